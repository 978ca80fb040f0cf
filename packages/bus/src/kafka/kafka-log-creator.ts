import type { Logger } from '@volstream/logging';
import { type logCreator, logLevel } from 'kafkajs';

/**
 * Routes kafkajs's own log lines to our pino logger, one level quieter than kafkajs rates them:
 * it reports routine rebalances and retried connection hiccups as errors, which the retry settings
 * already handle; a real failure surfaces as an error from our own calls.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { namespace, ...extra };
      if (level === logLevel.ERROR) kafkaLogger.warn(fields, message);
      else if (level === logLevel.WARN) kafkaLogger.info(fields, message);
      else if (level === logLevel.INFO) kafkaLogger.debug(fields, message);
      else kafkaLogger.trace(fields, message);
    };
}
