/**
 * Behaviour every transport must show, written once against the `Bus` API and run by
 * inprocess.test.ts and kafka.test.ts: the same worker-style code on both transports.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sampleEvents, TOPICS, type TopicKey } from '@volstream/contracts';
import type { Logger } from '@volstream/logging';
import { type Bus, type BusMessage, partitionOf, type TopicCodec } from '../src/index.ts';
import {
  capturedLogger,
  collect,
  framed,
  idOf,
  seqsByKey,
  type Tick,
  tickCodec,
  ticks,
  waitUntil,
} from './helpers.ts';

export interface Fixture {
  /** A fresh bus (closed by the test file's `after`). */
  bus(logger?: Logger): Bus;
  /** A topic name unique to this run. */
  topic(prefix: string): string;
}

const group = (name: string): string => `${name}-${randomBytes(3).toString('hex')}`;

function assertIncreasingPerKey(messages: readonly BusMessage<Tick>[]): void {
  for (const [key, seqs] of seqsByKey(messages)) {
    for (let i = 1; i < seqs.length; i++) {
      assert.ok(seqs[i]! > seqs[i - 1]!, `per-key order broken for ${key}: ${seqs[i - 1]} then ${seqs[i]}`);
    }
  }
}

/** Every contract sample → produce → consume → decode → deep-equal; real bad bytes are skipped. */
export async function contractRoundTrip(fx: Fixture): Promise<void> {
  const bus = fx.bus();
  const samples = sampleEvents();
  const keys = Object.keys(TOPICS) as TopicKey[];
  const specs = new Map(keys.map((k) => [k, { ...TOPICS[k], name: fx.topic(TOPICS[k].name) }] as const));
  const codecs = [...specs.values()] as TopicCodec<unknown>[];
  await bus.admin.ensureTopics(codecs);
  const consumer = bus.consumer<unknown>({ groupId: group('roundtrip') });
  await consumer.subscribe(codecs, { fromBeginning: true });
  const got = await collect(consumer);
  const producer = bus.producer();
  let total = 0;
  for (const k of keys) {
    const values = samples[k] as unknown[];
    total += values.length;
    await producer.send(specs.get(k) as TopicCodec<unknown>, values);
  }
  // Real bad input on the marketdata topic: bytes protobuf cannot read, and a future schema version.
  const md = { ...TOPICS.marketdata, name: specs.get('marketdata')!.name };
  const future = sampleEvents().marketdata[0]!;
  future.header!.schemaVersion = 999;
  await producer.sendRaw(md.name, [
    { key: 'bad', value: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]) },
    { key: 'bad', value: md.encode(future) },
  ]);
  await waitUntil('every sample delivered', () => got.length >= total);
  await waitUntil('bad input counted', () => {
    const f = consumer.stats().decodeFailures[md.name];
    return f?.BUS_DECODE_FAILED === 1 && f.CONTRACT_UNSUPPORTED_SCHEMA_VERSION === 1;
  });
  for (const k of keys) {
    const spec = specs.get(k)!;
    const canonical = (v: unknown): string =>
      JSON.stringify((spec as TopicCodec<unknown> & typeof spec).toJson(v as never));
    const delivered = got.filter((m) => m.topic === spec.name).map((m) => m.value);
    const expected = samples[k] as unknown[];
    assert.equal(delivered.length, expected.length, `${k}: count`);
    const byJson = new Map(delivered.map((v) => [canonical(v), v]));
    for (const e of expected) assert.deepEqual(byJson.get(canonical(e)), e, `${k}: sample round-trips`);
  }
  await consumer.stop();
}

/** Two members share the partitions; when one leaves the other takes over and nothing is lost. */
export async function groupTakeover(fx: Fixture): Promise<{ duplicates: number }> {
  // Group joins and crashes are logged at info/error: on a failure they say who owned what when.
  const { logger, lines } = capturedLogger('info');
  const groupEvents = (): string =>
    lines()
      .filter((l) => l.msg === 'joined the group' || (l.level as number) >= 40)
      .map(
        (l) =>
          `${l.time} ${l.memberId ?? ''} ${l.msg} ${JSON.stringify(l.assignment ?? (l.err as { message?: string })?.message ?? '')}`,
      )
      .join('; ');
  const bus = fx.bus(logger);
  const codec = tickCodec(fx.topic('takeover'));
  const groupId = group('takeover');
  const producer = bus.producer();
  const a = bus.consumer<Tick>({ groupId });
  const b = bus.consumer<Tick>({ groupId });
  await a.subscribe([codec], { fromBeginning: true });
  await b.subscribe([codec], { fromBeginning: true });
  const gotA = await collect(a);
  const gotB = await collect(b);
  const produced: Tick[] = [];
  // Produce until both members have received something: both then own partitions. The bound is
  // time, not rounds: on a loaded 2-core machine the second member's join and the rebalance take
  // several of the mock broker's 5 s join windows, and a member whose client crashed on the way
  // (the mock answers a SyncGroup that arrives after the leader's with INVALID_REQUEST) must first
  // restart by itself (KafkaConsumer's restart, with backoff). The handover below is what this
  // scenario checks, and it needs B to own partitions first.
  const deadline = Date.now() + 120_000;
  for (let round = 0; gotA.length === 0 || gotB.length === 0; round++) {
    assert.ok(
      Date.now() < deadline,
      `both members should receive messages (${round} rounds); group events: ${groupEvents()}`,
    );
    const batch = ticks(16, 1, round);
    produced.push(...batch);
    await producer.send(codec, batch);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await a.stop();
  const more = ticks(16, 20, 10_000);
  produced.push(...more);
  await producer.send(codec, more);
  const received = (): Set<string> => new Set([...gotA, ...gotB].map((m) => idOf(m.value)));
  // A passing handover takes one rebalance (~5 s on the mock broker: its join window is the
  // session timeout less 1 s); the bound leaves room for a few more on a loaded CI machine.
  await waitUntil(
    'B to take over every partition',
    () => produced.every((t) => received().has(idOf(t))),
    90_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; group events: ${groupEvents()}`);
  });
  assert.ok(
    more.every((t) => gotB.some((m) => idOf(m.value) === idOf(t))),
    'B got all later messages',
  );
  // At-least-once: a partition taken over mid-batch may be redelivered from its last commit, so
  // order is checked on first deliveries.
  const seen = new Set<string>();
  assertIncreasingPerKey(gotB.filter((m) => !seen.has(idOf(m.value)) && seen.add(idOf(m.value))));
  await b.stop();
  return { duplicates: gotA.length + gotB.length - received().size };
}

/** A restarted member resumes after its last commit; a replay from the beginning repeats the log. */
export async function restartAndReplay(fx: Fixture): Promise<void> {
  const bus = fx.bus();
  const codec = tickCodec(fx.topic('restart'));
  const groupId = group('restart');
  const producer = bus.producer();
  await producer.send(codec, ticks(5, 10, 0));
  const first = bus.consumer<Tick>({ groupId });
  await first.subscribe([codec], { fromBeginning: true });
  const got1 = await collect(first);
  await waitUntil('first 50', () => got1.length === 50);
  await waitUntil('first commits', async () => (await first.lag()).total === 0);
  await first.stop();

  await producer.send(codec, ticks(5, 10, 10));
  const second = bus.consumer<Tick>({ groupId });
  await second.subscribe([codec], { fromBeginning: true });
  const got2 = await collect(second);
  await waitUntil('next 50', () => got2.length >= 50);
  assert.ok(
    got2.every((m) => m.value.seq >= 10),
    'resumed after the commit',
  );
  assert.equal(got2.length, 50, 'nothing before the commit is delivered again');
  await second.stop();

  const replay = bus.consumer<Tick>({ groupId: group('replay') });
  await replay.subscribe([codec], { fromBeginning: true });
  const got3 = await collect(replay);
  await waitUntil('replay of all 100', () => got3.length >= 100);
  const sequence = (ms: readonly BusMessage<Tick>[]): string[] =>
    [...ms]
      .sort((x, y) => x.partition - y.partition || x.offset - y.offset)
      .map((m) => `${m.partition}:${m.offset}:${idOf(m.value)}`);
  assert.deepEqual(sequence(got3), sequence([...got1, ...got2]));
  await replay.stop();
}

/** Undecodable bytes and an unknown schema version: counted, logged once, skipped, offsets advance. */
export async function badInput(fx: Fixture): Promise<void> {
  const { logger, lines } = capturedLogger();
  const bus = fx.bus(logger);
  const codec = tickCodec(fx.topic('bad'));
  const producer = bus.producer();
  const good = (seq: number) => ({ key: 'k', value: codec.encode({ id: 'k', seq }) });
  const garbage = { key: 'k', value: framed(1, '{not json') };
  const future = { key: 'k', value: framed(7, JSON.stringify({ id: 'k', seq: 99 })) };
  await producer.sendRaw(codec.name, [good(1), garbage, good(2), future, garbage, good(3), garbage]);
  const consumer = bus.consumer<Tick>({ groupId: group('bad') });
  await consumer.subscribe([codec], { fromBeginning: true });
  const got = await collect(consumer);
  await waitUntil('the good messages', () => got.length === 3);
  assert.deepEqual(
    got.map((m) => m.value.seq),
    [1, 2, 3],
  );
  await waitUntil('offsets committed past the bad messages', async () => (await consumer.lag()).total === 0);
  assert.deepEqual(consumer.stats().decodeFailures, {
    [codec.name]: { BUS_DECODE_FAILED: 3, CONTRACT_UNSUPPORTED_SCHEMA_VERSION: 1 },
  });
  const warnings = lines().filter((l) => l.msg === 'skipped a message that cannot be decoded');
  assert.equal(warnings.length, 2, 'one line per topic and reason');
  assert.deepEqual(warnings.map((w) => w.code).sort(), [
    'BUS_DECODE_FAILED',
    'CONTRACT_UNSUPPORTED_SCHEMA_VERSION',
  ]);
  assert.equal(warnings[0]!.topic, codec.name);
  assert.equal(typeof warnings[0]!.offset, 'number');
  // The consumer keeps going after bad input.
  await producer.send(codec, [{ id: 'k', seq: 4 }]);
  await waitUntil('a later message', () => got.length === 4);
  await consumer.stop();
}

/** Per-key order holds across partitions; lag is reported and falls to 0 once consumed. */
export async function orderingAndLag(fx: Fixture): Promise<void> {
  const bus = fx.bus();
  const codec = tickCodec(fx.topic('order'));
  const producer = bus.producer();
  const consumer = bus.consumer<Tick>({ groupId: group('order'), maxBatchMessages: 37 });
  await consumer.subscribe([codec], { fromBeginning: true });
  const values = ticks(24, 50);
  for (let i = 0; i < values.length; i += 100) await producer.send(codec, values.slice(i, i + 100));
  await producer.flush();
  const before = await consumer.lag();
  assert.equal(before.total, values.length);
  assert.equal(before.partitions.length, 4);
  assert.equal(
    before.partitions.reduce((s, p) => s + p.lag, 0),
    before.total,
  );
  assert.ok(before.partitions.filter((p) => p.lag > 0).length > 1, 'keys spread over partitions');
  const got = await collect(consumer);
  await waitUntil('all consumed', () => got.length === values.length);
  await waitUntil('lag 0', async () => (await consumer.lag()).total === 0);
  assertIncreasingPerKey(got);
  for (const [key, seqs] of seqsByKey(got)) assert.equal(seqs.length, 50, `all of ${key}`);
  // A key always lands on its murmur2 partition, the same on both transports.
  for (const m of got) assert.equal(m.partition, partitionOf(m.key, 4));
  await consumer.stop();
}
