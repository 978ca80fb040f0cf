/**
 * The shared scenarios against a real Kafka wire-protocol broker (librdkafka's mock cluster via
 * kcat, see @volstream/testkit). One broker for the whole file; unique topics and groups per test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type MockKafka, startMockKafka, uniqueTopic } from '@volstream/testkit';
import { createBus } from '../src/index.ts';
import type { Bus } from '../src/types.ts';
import { capturedLogger, collect, quietLogger, type Tick, tickCodec, ticks, waitUntil } from './helpers.ts';
import {
  badInput,
  contractRoundTrip,
  type Fixture,
  groupTakeover,
  orderingAndLag,
  restartAndReplay,
} from './scenarios.ts';

let kafka: MockKafka;
const buses: Bus[] = [];
const fx: Fixture = {
  bus: (logger = quietLogger()) => {
    const bus = createBus(
      {
        transport: 'kafka',
        brokers: kafka.brokers,
        clientId: 'bus-test',
        // The mock cluster has no idempotent producer (INFRA.md); Redpanda runs with true.
        idempotent: false,
        compression: 'gzip',
        consumer: { heartbeatIntervalMs: 300, sessionTimeoutMs: 6_000, maxWaitTimeMs: 50 },
      },
      { logger },
    );
    buses.push(bus);
    return bus;
  },
  topic: (prefix) => uniqueTopic(prefix),
};

before(async () => {
  kafka = await startMockKafka();
});
after(async () => {
  await Promise.all(buses.map((b) => b.close()));
  await kafka.stop();
});

describe('kafka transport (mock broker): shared scenarios', () => {
  test('every contract sample round-trips; real bad bytes are skipped', () => contractRoundTrip(fx));
  test('a group member leaving hands its partitions over without loss', async () => {
    await groupTakeover(fx);
  });
  test('restart resumes after the last commit; replay repeats the sequence', () => restartAndReplay(fx));
  test('bad input is counted, logged once, skipped', () => badInput(fx));
  test('per-key order and lag', () => orderingAndLag(fx));
});

describe('kafka transport (mock broker): specifics', () => {
  test('ensureTopics tolerates a broker that refuses CreateTopics and auto-creates', async () => {
    const bus = fx.bus();
    const codec = tickCodec(fx.topic('ensure'));
    await bus.admin.ensureTopics([codec]);
    await bus.admin.ensureTopics([codec]);
    const consumer = bus.consumer<Tick>({ groupId: `ensure-${Date.now()}` });
    await consumer.subscribe([codec]);
    const lag = await consumer.lag();
    assert.equal(lag.partitions.length, 4);
    assert.equal(lag.total, 0);
    await consumer.stop();
  });

  test('a handler that fails gets the same batch again and nothing is committed meanwhile', async () => {
    const bus = fx.bus();
    const codec = tickCodec(fx.topic('retry'));
    const producer = bus.producer();
    await producer.send(codec, ticks(1, 5));
    const consumer = bus.consumer<Tick>({ groupId: `retry-${Date.now()}`, retryDelayMs: 50 });
    await consumer.subscribe([codec], { fromBeginning: true });
    const seen: number[] = [];
    let failures = 0;
    await consumer.run({
      eachBatch: async (batch) => {
        if (failures < 2) {
          failures++;
          assert.equal((await consumer.lag()).total, 5, 'nothing committed before the handler succeeds');
          throw new Error('downstream unavailable');
        }
        for (const m of batch.messages) seen.push(m.value.seq);
      },
    });
    await waitUntil('delivery after two failures', () => seen.length === 5);
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    await waitUntil('committed', async () => (await consumer.lag()).total === 0);
    await consumer.stop();
  });

  // seekToTimestamp is not tested here: the mock broker answers ListOffsets-by-time with the end
  // offset whatever the time (checked with kafkajs admin.fetchTopicOffsetsByTimestamp), so it cannot
  // tell a right implementation from a wrong one. The in-process test covers the semantics.
  test('seek replays a partition from an offset', async () => {
    const bus = fx.bus();
    const codec = tickCodec(fx.topic('seek'));
    const producer = bus.producer();
    await producer.send(codec, ticks(1, 10));
    const consumer = bus.consumer<Tick>({ groupId: `seek-${Date.now()}` });
    await consumer.subscribe([codec], { fromBeginning: true });
    const got = await collect(consumer);
    await waitUntil('first pass', () => got.length === 10);
    const partition = got[0]!.partition;
    consumer.seek(codec.name, partition, 6);
    await waitUntil('replayed tail', () => got.length === 14);
    assert.deepEqual(
      got.slice(10).map((m) => m.offset),
      [6, 7, 8, 9],
    );
    await consumer.stop();
  });

  test('a member logs its group join with the partitions it was given', async () => {
    const { logger, lines } = capturedLogger('info');
    const bus = fx.bus(logger);
    const codec = tickCodec(fx.topic('join-log'));
    await bus.producer().send(codec, ticks(4, 1));
    const consumer = bus.consumer<Tick>({ groupId: `join-log-${Date.now()}` });
    await consumer.subscribe([codec], { fromBeginning: true });
    const got = await collect(consumer);
    await waitUntil('the messages', () => got.length === 4);
    const joins = lines().filter((l) => l.msg === 'joined the group');
    assert.equal(joins.length, 1, 'one join, logged once');
    assert.deepEqual(joins[0]!.assignment, { [codec.name]: [0, 1, 2, 3] });
    assert.equal(joins[0]!.isLeader, true);
    await consumer.stop();
  });

  test('pause holds delivery back and resume continues', async () => {
    const bus = fx.bus();
    const codec = tickCodec(fx.topic('pause'));
    const producer = bus.producer();
    await producer.send(codec, ticks(2, 2));
    const consumer = bus.consumer<Tick>({ groupId: `pause-${Date.now()}` });
    await consumer.subscribe([codec], { fromBeginning: true });
    const got = await collect(consumer);
    await waitUntil('first messages', () => got.length === 4);
    consumer.pause([codec.name]);
    await producer.send(codec, ticks(2, 2, 2));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(got.length, 4, 'nothing delivered while paused');
    consumer.resume([codec.name]);
    await waitUntil('the rest after resume', () => got.length === 8);
    await consumer.stop();
  });
});
