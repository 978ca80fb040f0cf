import type { LogListener, PartitionLog } from './partition-log.ts';

/** A consumer as its group sees it. */
export interface GroupMember extends LogListener {
  /** Topics the member subscribed to, with their partition logs. */
  readonly subscriptions: ReadonlyMap<string, readonly PartitionLog[]>;
  readonly fromBeginning: boolean;
  /** New assignment after a rebalance (the member keeps reading what it still owns). */
  assign(partitions: readonly PartitionLog[]): void;
}

/**
 * An in-process consumer group: members, partition ownership and committed offsets, like a Kafka
 * group coordinator. Every join or leave rebalances all partitions round-robin over the members
 * subscribed to each topic. A partition whose batch is still being handled by its previous owner
 * is `held`: the new owner starts only after that batch is committed, so a rebalance neither loses
 * nor repeats messages in process.
 */
export class ConsumerGroup {
  readonly members: GroupMember[] = [];
  /** Next offset to read per partition, set by commits (and initialised on first assignment). */
  readonly committed = new Map<PartitionLog, number>();
  readonly owner = new Map<PartitionLog, GroupMember>();
  readonly holder = new Map<PartitionLog, GroupMember>();

  constructor(readonly id: string) {}

  get active(): boolean {
    return this.members.length > 0;
  }

  subscribes(topic: string): boolean {
    return this.members.some((m) => m.subscriptions.has(topic));
  }

  join(member: GroupMember): void {
    this.members.push(member);
    this.rebalance();
  }

  leave(member: GroupMember): void {
    const i = this.members.indexOf(member);
    if (i < 0) return;
    this.members.splice(i, 1);
    for (const [log, h] of this.holder) if (h === member) this.holder.delete(log);
    this.rebalance();
    // The floor of the partitions it read may have risen: blocked producers can retry.
    for (const logs of member.subscriptions.values()) for (const log of logs) log.wakeWriters();
  }

  commit(log: PartitionLog, nextOffset: number): void {
    this.committed.set(log, nextOffset);
    log.wakeWriters();
  }

  /** Ends `member`'s hold on `log` and wakes the partition's current owner if that is another. */
  release(log: PartitionLog, member: GroupMember): void {
    if (this.holder.get(log) === member) this.holder.delete(log);
    const owner = this.owner.get(log);
    if (owner !== undefined && owner !== member) owner.signal();
  }

  rebalance(): void {
    const topics = new Map<string, readonly PartitionLog[]>();
    for (const m of this.members) for (const [name, logs] of m.subscriptions) topics.set(name, logs);
    const assignment = new Map<GroupMember, PartitionLog[]>(this.members.map((m) => [m, []]));
    this.owner.clear();
    let next = 0;
    for (const name of [...topics.keys()].sort()) {
      const eligible = this.members.filter((m) => m.subscriptions.has(name));
      for (const log of topics.get(name) ?? []) {
        const member = eligible[next++ % eligible.length]!;
        this.owner.set(log, member);
        assignment.get(member)!.push(log);
        if (!this.committed.has(log)) {
          this.committed.set(log, member.fromBeginning ? log.startOffset : log.endOffset);
        }
      }
    }
    for (const [member, logs] of assignment) member.assign(logs);
  }
}
