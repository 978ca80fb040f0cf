import { isVolstreamError } from '@volstream/errors';
import { type Logger, LogOnce } from '@volstream/logging';
import type { ConsumerStats } from './types.ts';

/**
 * Bad bytes on a topic (undecodable, unknown schema version) are outside input: counted per topic
 * and reason, logged once per topic and reason with where they were, and skipped so the consumer
 * keeps going. The reason is the decode error's code (BUS_DECODE_FAILED for anything unclassified).
 */
export class DecodeTracker {
  readonly #failures: Record<string, Record<string, number>> = {};
  readonly #once: LogOnce;
  messages = 0;
  batches = 0;
  /** Times the consumer restarted itself after its client gave up (Kafka transport only). */
  restarts = 0;

  constructor(logger: Logger) {
    this.#once = new LogOnce(logger);
  }

  fail(topic: string, partition: number, offset: number, err: unknown): void {
    const reason = isVolstreamError(err) ? err.code : 'BUS_DECODE_FAILED';
    const perTopic = this.#failures[topic] ?? {};
    this.#failures[topic] = perTopic;
    perTopic[reason] = (perTopic[reason] ?? 0) + 1;
    this.#once.warn(
      `${topic}:${reason}`,
      { topic, partition, offset, code: reason, err },
      'skipped a message that cannot be decoded',
    );
  }

  stats(): ConsumerStats {
    const decodeFailures: Record<string, Record<string, number>> = {};
    for (const [topic, counts] of Object.entries(this.#failures)) decodeFailures[topic] = { ...counts };
    return { messages: this.messages, batches: this.batches, restarts: this.restarts, decodeFailures };
  }
}
