import { PartitionCache } from '../murmur2.ts';
import { ConsumerGroup } from './consumer-group.ts';
import { DEFAULT_RETENTION, PartitionLog, type RetentionLimits } from './partition-log.ts';

export interface InProcessBrokerOptions {
  /**
   * Partitions of every topic (default 4, like the test broker's auto-created topics), or
   * `'from-spec'` to use each topic's declared `partitions`.
   */
  partitions?: number | 'from-spec';
  /** Per-partition retention (defaults: 100,000 messages, 64 MiB). */
  retention?: Partial<RetentionLimits>;
}

export interface InProcessTopic {
  readonly name: string;
  readonly partitions: readonly PartitionLog[];
  readonly partitioner: PartitionCache;
}

/**
 * The in-process stand-in for a Kafka cluster: topics (auto-created on first use, like the
 * broker), their partition logs and the consumer groups. Several buses may share one broker
 * (pass it in the config), so services of the embedded mode see the same topics.
 */
export class InProcessBroker {
  readonly #topics = new Map<string, InProcessTopic>();
  readonly #groups = new Map<string, ConsumerGroup>();
  readonly #partitions: number | 'from-spec';
  readonly #retention: RetentionLimits;

  constructor(options: InProcessBrokerOptions = {}) {
    this.#partitions = options.partitions ?? 4;
    this.#retention = { ...DEFAULT_RETENTION, ...options.retention };
  }

  topic(name: string, declaredPartitions?: number): InProcessTopic {
    const existing = this.#topics.get(name);
    if (existing !== undefined) return existing;
    const count =
      this.#partitions === 'from-spec' ? Math.max(1, declaredPartitions ?? 4) : Math.max(1, this.#partitions);
    const partitions: PartitionLog[] = [];
    for (let p = 0; p < count; p++) {
      const log = new PartitionLog(name, p, this.#retention);
      log.floor = () => this.#floor(log);
      partitions.push(log);
    }
    const topic = { name, partitions, partitioner: new PartitionCache(count) };
    this.#topics.set(name, topic);
    return topic;
  }

  hasTopic(name: string): boolean {
    return this.#topics.has(name);
  }

  group(id: string): ConsumerGroup {
    let group = this.#groups.get(id);
    if (group === undefined) {
      group = new ConsumerGroup(id);
      this.#groups.set(id, group);
    }
    return group;
  }

  /**
   * Lowest committed offset of `log` over groups with a live member reading its topic. Groups
   * without members do not hold retention back (as on Kafka, their unread messages may age out).
   */
  #floor(log: PartitionLog): number {
    let floor = Number.POSITIVE_INFINITY;
    for (const group of this.#groups.values()) {
      if (!group.active || !group.subscribes(log.topic)) continue;
      const committed = group.committed.get(log);
      if (committed !== undefined && committed < floor) floor = committed;
    }
    return floor;
  }
}
