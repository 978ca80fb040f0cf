import { VolstreamError } from '@volstream/errors';
import type { Producer, ProducerOptions, RawRecord, TopicCodec } from '../types.ts';
import type { InProcessBroker, InProcessTopic } from './inprocess-broker.ts';
import type { PartitionLog } from './partition-log.ts';

const DONE: Promise<void> = Promise.resolve();

/** Where a write stopped because a partition was full. */
interface Blocked {
  log: PartitionLog;
  index: number;
}

/**
 * Appends encoded messages straight into the partition logs: no buffer of its own, no promise or
 * timer per message. A full partition (retention reached while an active group still needs its
 * oldest message) makes `send` wait for that group's commits; later sends of this producer queue
 * behind a blocked one, so per-key order holds.
 */
export class InProcessProducer implements Producer {
  readonly #broker: InProcessBroker;
  readonly #timeoutMs: number;
  #queue: Promise<void> | undefined;
  #closed = false;

  constructor(broker: InProcessBroker, options: ProducerOptions) {
    this.#broker = broker;
    this.#timeoutMs = options.backpressureTimeoutMs ?? 30_000;
  }

  send<T>(topic: TopicCodec<T>, values: readonly T[]): Promise<void> {
    const target = this.#broker.topic(topic.name, topic.partitions);
    const write = (from: number): Blocked | undefined => this.#writeValues(target, topic, values, from);
    return this.#run(write, topic.name);
  }

  sendRaw(topic: string, records: readonly RawRecord[]): Promise<void> {
    const target = this.#broker.topic(topic);
    const write = (from: number): Blocked | undefined => this.#writeRaw(target, records, from);
    return this.#run(write, topic);
  }

  flush(): Promise<void> {
    return this.#queue ?? DONE;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #run(write: (from: number) => Blocked | undefined, topic: string): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new VolstreamError('BUS_CLOSED', 'Expected an open producer, was closed'));
    }
    if (this.#queue === undefined) {
      let blocked: Blocked | undefined;
      try {
        blocked = write(0);
      } catch (err) {
        return Promise.reject(err);
      }
      if (blocked === undefined) return DONE;
      return this.#track(this.#resume(write, blocked, topic));
    }
    return this.#track(this.#queue.then(() => this.#resume(write, { log: undefined, index: 0 }, topic)));
  }

  #track(p: Promise<void>): Promise<void> {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.#queue = settled;
    void settled.then(() => {
      if (this.#queue === settled) this.#queue = undefined;
    });
    return p;
  }

  async #resume(
    write: (from: number) => Blocked | undefined,
    start: Blocked | { log: undefined; index: number },
    topic: string,
  ): Promise<void> {
    let blocked: Blocked | { log: undefined; index: number } | undefined = start;
    while (blocked !== undefined) {
      if (blocked.log !== undefined) await this.#waitForSpace(blocked.log, topic);
      blocked = write(blocked.index);
    }
  }

  #writeValues<T>(
    target: InProcessTopic,
    topic: TopicCodec<T>,
    values: readonly T[],
    from: number,
  ): Blocked | undefined {
    const logs = target.partitions;
    const partitioner = target.partitioner;
    const now = Date.now();
    let touched = 0;
    for (let i = from; i < values.length; i++) {
      const value = values[i] as T;
      const key = topic.keyOf(value);
      const p = partitioner.get(key);
      const log = logs[p]!;
      if (!log.tryAppend(key, topic.encode(value), now)) {
        wake(logs, touched);
        return { log, index: i };
      }
      touched |= 1 << (p & 31);
    }
    wake(logs, touched);
    return undefined;
  }

  #writeRaw(target: InProcessTopic, records: readonly RawRecord[], from: number): Blocked | undefined {
    const logs = target.partitions;
    const now = Date.now();
    let touched = 0;
    for (let i = from; i < records.length; i++) {
      const r = records[i]!;
      const p = r.partition ?? target.partitioner.get(r.key);
      const log = logs[p];
      if (log === undefined) {
        throw new VolstreamError('BUS_UNKNOWN_TOPIC', `Expected a partition below ${logs.length}, was ${p}`, {
          context: { topic: target.name, partition: p },
        });
      }
      if (!log.tryAppend(r.key, r.value, now)) {
        wake(logs, touched);
        return { log, index: i };
      }
      touched |= 1 << (p & 31);
    }
    wake(logs, touched);
    return undefined;
  }

  #waitForSpace(log: PartitionLog, topic: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        signal: () => {
          clearTimeout(timer);
          log.writers.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        log.writers.delete(waiter);
        reject(
          new VolstreamError(
            'BUS_BACKPRESSURE_TIMEOUT',
            `Expected a consumer to free space in ${topic}[${log.partition}] within ${this.#timeoutMs} ms, was still full`,
            {
              context: { topic, partition: log.partition, retained: log.length, bytes: log.bytes },
              errorClass: 'retryable',
            },
          ),
        );
      }, this.#timeoutMs);
      log.writers.add(waiter);
    });
  }
}

/** Wakes the readers of every partition whose bit is set (bit p % 32; a spurious wake is harmless). */
function wake(logs: readonly PartitionLog[], touched: number): void {
  if (touched === 0) return;
  for (let p = 0; p < logs.length; p++) {
    if ((touched & (1 << (p & 31))) !== 0) logs[p]!.wakeReaders();
  }
}
