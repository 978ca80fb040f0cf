import { once } from 'node:events';
import { bool, COMMON_OPTIONS, int, resolveBusTransport, string } from '@volstream/config';
import { defineCommand, EXIT_OK, EXIT_USAGE } from '../command.ts';
import { openBus } from '../open-bus.ts';

const options = {
  topic: string().positional().describe('Topic to read, e.g. volstream.marketdata.v1.'),
  bus: COMMON_OPTIONS.bus,
  brokers: COMMON_OPTIONS.brokers,
  kafkaIdempotent: COMMON_OPTIONS.kafkaIdempotent,
  fromBeginning: bool()
    .default(false)
    .flag('from-beginning')
    .describe('Start at the earliest retained event instead of the end.'),
  limit: int({ min: 1 }).optional().flag('limit').describe('Exit after printing this many events.'),
  group: string()
    .optional()
    .flag('group')
    .env('VOLSTREAM_TAP_GROUP')
    .describe('Consumer group id (default: a fresh volstream-tap-* group, so no real group is disturbed).'),
};

/** One event as printed, shaped like `rpk topic consume` output. */
interface TapLine {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  timestamp: number;
  value: unknown;
}

export const tapCommand = defineCommand({
  name: 'tap',
  summary: 'Print the decoded events of a topic as JSON lines (like rpk topic consume).',
  description: `Reads a topic through a consumer group and prints one JSON object per event on stdout:
{"topic","partition","offset","key","timestamp","value"} with value in the protobuf JSON mapping.
Uses the Kafka transport when --brokers/VOLSTREAM_BROKERS is given (or --bus kafka). The in-process
bus only holds events produced inside the same process, so --bus inprocess is only useful inside
'volstream run'. Undecodable messages are skipped and counted; the count is reported on stderr.`,
  examples: [
    'volstream tap volstream.surface.v1 --brokers 127.0.0.1:9092',
    'volstream tap volstream.marketdata.v1 --from-beginning --limit 10 | jq .value',
  ],
  options,
  async run({ config, logger, stdout, stderr, signal }) {
    const { TOPICS, topicByName } = await import('@volstream/contracts');
    const spec = topicByName(config.topic);
    if (spec === undefined) {
      const known = Object.values(TOPICS).map((t) => t.name);
      stderr.write(`volstream tap: unknown topic '${config.topic}'. Known topics: ${known.join(', ')}\n`);
      return EXIT_USAGE;
    }
    const transport = resolveBusTransport(config);
    if (transport === 'inprocess') {
      logger.warn(
        'in-process bus: only events produced in this process are visible; give --brokers to read Kafka',
      );
    }
    const bus = await openBus(config, logger, 'volstream-tap');
    const groupId = config.group ?? `volstream-tap-${process.pid}-${Date.now()}`;
    const consumer = bus.consumer<unknown>({ groupId });
    let printed = 0;
    const done = new AbortController();
    const onAbort = (): void => done.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // A closed pipe (`volstream tap … | head`) ends the tap instead of crashing it.
    const onStdoutError = (): void => done.abort();
    stdout.on('error', onStdoutError);
    try {
      await consumer.subscribe([spec], { fromBeginning: config.fromBeginning });
      await consumer.run({
        eachBatch: async (batch) => {
          for (const message of batch.messages) {
            if (done.signal.aborted) return;
            const line: TapLine = {
              topic: message.topic,
              partition: message.partition,
              offset: message.offset,
              key: message.key,
              timestamp: message.timestamp,
              value: spec.toJson(message.value),
            };
            printed++;
            if (!stdout.write(`${JSON.stringify(line)}\n`)) await once(stdout, 'drain');
            if (config.limit !== undefined && printed >= config.limit) {
              done.abort();
              return;
            }
          }
        },
      });
      logger.info({ topic: spec.name, groupId, transport, fromBeginning: config.fromBeginning }, 'tapping');
      if (!done.signal.aborted) await once(done.signal, 'abort');
    } finally {
      signal.removeEventListener('abort', onAbort);
      await consumer.stop();
      const failures = consumer.stats().decodeFailures[spec.name] ?? {};
      const skipped = Object.values(failures).reduce((sum, n) => sum + n, 0);
      if (skipped > 0) {
        stderr.write(
          `volstream tap: skipped ${skipped} undecodable message(s): ${JSON.stringify(failures)}\n`,
        );
      }
      await bus.close();
      stdout.off('error', onStdoutError);
    }
    logger.info({ printed }, 'tap finished');
    return EXIT_OK;
  },
});
