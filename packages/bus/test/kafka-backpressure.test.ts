/**
 * A broker that stops answering (the mock cluster frozen with SIGSTOP) must not make the Kafka
 * producer buffer without bound: `send` waits for capacity and times out with
 * BUS_BACKPRESSURE_TIMEOUT; once the broker answers again, everything accepted is delivered.
 * Its own broker, because freezing it would stall other tests.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isVolstreamError } from '@volstream/errors';
import { type MockKafka, startMockKafka, uniqueTopic } from '@volstream/testkit';
import { type Bus, CapacityGate, createBus } from '../src/index.ts';
import { collect, quietLogger, type Tick, tickCodec, ticks, waitUntil } from './helpers.ts';

let kafka: MockKafka;
let bus: Bus;
before(async () => {
  kafka = await startMockKafka({ brokers: 1 });
  bus = createBus(
    {
      transport: 'kafka',
      brokers: kafka.brokers,
      clientId: 'bus-bp-test',
      idempotent: false,
      compression: 'none',
      consumer: { heartbeatIntervalMs: 300, sessionTimeoutMs: 6_000, maxWaitTimeMs: 50 },
    },
    { logger: quietLogger() },
  );
});
after(async () => {
  kafka.thaw();
  await bus.close();
  await kafka.stop();
});

test('CapacityGate admits in order, waits when full, and times out', async () => {
  const gate = new CapacityGate(10, 1_000, 50);
  await gate.acquire(8, 100, {});
  let second = false;
  const pending = gate.acquire(5, 100, {}).then(() => {
    second = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(second, false);
  gate.release(8, 100);
  await pending;
  assert.equal(gate.bufferedMessages, 5);
  await assert.rejects(gate.acquire(6, 1, { topic: 't' }), (err) =>
    isVolstreamError(err, 'BUS_BACKPRESSURE_TIMEOUT'),
  );
  // A request bigger than the limit still passes alone, so it cannot deadlock.
  gate.release(5, 100);
  await gate.acquire(50, 5_000, {});
  assert.equal(gate.bufferedMessages, 50);
});

test('a frozen broker makes send wait, then time out; nothing accepted is lost', async () => {
  const codec = tickCodec(uniqueTopic('bp'));
  const producer = bus.producer({ maxBufferedMessages: 100, backpressureTimeoutMs: 400, lingerMs: 1 });
  await producer.send(codec, ticks(1, 1)); // connect and learn the topic's metadata first
  kafka.freeze();
  let accepted = false;
  const first = producer.send(codec, ticks(4, 25, 1)).then(() => {
    accepted = true;
  });
  await assert.rejects(producer.send(codec, ticks(1, 1, 1000)), (err) =>
    isVolstreamError(err, 'BUS_BACKPRESSURE_TIMEOUT'),
  );
  assert.equal(accepted, false, 'the broker has not acknowledged while frozen');
  kafka.thaw();
  await first;
  await producer.flush();
  const consumer = bus.consumer<Tick>({ groupId: `bp-${Date.now()}` });
  await consumer.subscribe([codec], { fromBeginning: true });
  const got = await collect(consumer);
  await waitUntil('every accepted message', () => got.length === 101);
  assert.equal(new Set(got.map((m) => `${m.key}#${m.value.seq}`)).size, 101);
  assert.ok(!got.some((m) => m.value.seq === 1000), 'the timed-out send was not delivered');
  await consumer.stop();
});
