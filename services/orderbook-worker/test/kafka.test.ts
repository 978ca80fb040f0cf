// The order-book worker as a consumer-group member on a real Kafka wire-protocol broker
// (librdkafka's mock cluster via kcat, @volstream/testkit): the recorded 2021 capture goes in on
// volstream.marketdata.v1, the books and forwards that come out on volstream.orderbook.v1 end in
// the same state as the pure transformation, and the group's offsets are committed to the end.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Bus, createBus } from '@volstream/bus';
import { type BookTop, type Forward, type OrderBookEvent, TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { type MockKafka, startMockKafka } from '@volstream/testkit';
import type { RunningWorker } from '@volstream/worker-runtime';
import { build } from '../src/app.ts';
import { OrderBookTransform } from '../src/transform.ts';
import { captureEvents } from './helpers/inputs.ts';

const logger = createLogger({ service: 'orderbook-worker-test', level: 'silent' });
let kafka: MockKafka;
let bus: Bus;

before(async () => {
  kafka = await startMockKafka();
  bus = createBus(
    {
      transport: 'kafka',
      brokers: kafka.brokers,
      clientId: 'orderbook-worker-test',
      idempotent: false, // the mock cluster has no idempotent producer (INFRA.md)
      compression: 'gzip',
      consumer: { heartbeatIntervalMs: 300, sessionTimeoutMs: 6_000, maxWaitTimeMs: 50 },
    },
    { logger },
  );
});

after(async () => {
  await bus.close();
  await kafka.stop();
});

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Expected ${what} within ${timeoutMs} ms, was not`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('order-book worker on the mock Kafka broker', () => {
  it('consumes the capture as a group member, publishes books and forwards, commits to the end', async () => {
    const events = captureEvents();
    await bus.admin.ensureTopics([TOPICS.marketdata, TOPICS.orderbook]);
    await bus.producer().send(TOPICS.marketdata, events);
    const worker: RunningWorker = await build(
      { groupId: 'orderbook-kafka-test', fromBeginning: true },
      { bus, logger },
    );
    const got: OrderBookEvent[] = [];
    const reader = bus.consumer<OrderBookEvent>({ groupId: 'orderbook-reader' });
    await reader.subscribe([TOPICS.orderbook], { fromBeginning: true });
    await reader.run({
      eachBatch: async (batch) => {
        for (const m of batch.messages) got.push(m.value);
      },
    });
    await waitUntil('every input consumed', () => worker.stats().in === events.length);
    await waitUntil('offsets committed to the end', async () => (await worker.lag()).total === 0);
    await waitUntil('every output read back', () => got.length === worker.stats().out);
    await reader.stop();
    await worker.stop();

    const pure = new OrderBookTransform({ clock: () => 0n });
    pure.apply(events);
    const lastTop = new Map<string, BookTop>();
    const lastForward = new Map<string, Forward>();
    for (const e of got) {
      if (e.payload.case === 'bookTop') lastTop.set(e.payload.value.instrumentName, e.payload.value);
      if (e.payload.case === 'forward')
        lastForward.set(`${e.payload.value.currency}:${e.payload.value.expiryMs}`, e.payload.value);
    }
    assert.equal(lastTop.size, 10);
    for (const [name, top] of lastTop) {
      const expected = pure.book('deribit', name)!;
      assert.equal(top.synced, expected.synced, name);
      assert.deepEqual(
        top.bids.map((l) => [l.price, l.amount]),
        expected.bids.map((l) => [l.price, l.amount]),
      );
      assert.deepEqual(
        top.asks.map((l) => [l.price, l.amount]),
        expected.asks.map((l) => [l.price, l.amount]),
      );
    }
    const pureForwards = new Map<string, number>();
    for (const e of new OrderBookTransform({ clock: () => 0n }).apply(events).outputs) {
      if (e.payload.case === 'forward')
        pureForwards.set(`${e.payload.value.currency}:${e.payload.value.expiryMs}`, e.payload.value.forward);
    }
    assert.equal(lastForward.size, pureForwards.size);
    for (const [key, f] of lastForward) assert.equal(f.forward, pureForwards.get(key), key);
    const receives = new Set(events.map((e) => e.header!.receiveTimeNs));
    for (const e of got) assert.ok(receives.has(e.header!.receiveTimeNs));
    assert.equal(new Set(got.map((e) => e.header!.eventId)).size, got.length);
    assert.deepEqual(worker.stats().dropped, {});
  });
});
