/**
 * kafkajs gives up on a consumer after errors it cannot retry, and then stays down while the process
 * keeps running. Our Kafka consumer owns every restart: a broker that stops answering long enough to
 * crash the client (the mock cluster frozen with SIGSTOP, requests timing out with no retries left)
 * must end with the consumer back by itself once the broker answers, and nothing lost.
 * Its own broker, because freezing it would stall other tests.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type MockKafka, startMockKafka, uniqueTopic } from '@volstream/testkit';
import { type Bus, createBus } from '../src/index.ts';
import { capturedLogger, collect, type Tick, tickCodec, ticks, waitUntil } from './helpers.ts';

let kafka: MockKafka;
let bus: Bus;
const { logger, lines } = capturedLogger('info');

before(async () => {
  kafka = await startMockKafka({ brokers: 1 });
  bus = createBus(
    {
      transport: 'kafka',
      brokers: kafka.brokers,
      clientId: 'bus-restart-test',
      idempotent: false,
      compression: 'none',
      // Fail fast while the broker is frozen: one attempt, answers awaited for 1.5 s.
      requestTimeoutMs: 1_500,
      retry: { retries: 0, initialRetryTimeMs: 100 },
      consumer: { heartbeatIntervalMs: 300, sessionTimeoutMs: 6_000, maxWaitTimeMs: 50 },
    },
    { logger },
  );
});
after(async () => {
  kafka.thaw();
  await bus.close();
  await kafka.stop();
});

test('a consumer whose client crashed restarts by itself and loses nothing', async () => {
  const codec = tickCodec(uniqueTopic('restart'));
  const producer = bus.producer();
  await producer.send(codec, ticks(4, 5, 0));
  const consumer = bus.consumer<Tick>({ groupId: `restart-${Date.now()}` });
  await consumer.subscribe([codec], { fromBeginning: true });
  const got = await collect(consumer);
  await waitUntil('the first 20', () => got.length >= 20, 60_000);
  assert.equal(consumer.stats().restarts, 0);

  kafka.freeze();
  try {
    await waitUntil(
      'the client to crash while the broker is frozen',
      () => lines().some((l) => l.msg === 'consumer crashed'),
      60_000,
    );
  } finally {
    kafka.thaw();
  }
  await producer.send(codec, ticks(4, 5, 5));
  const ids = (): Set<string> => new Set(got.map((m) => `${m.value.id}:${m.value.seq}`));
  await waitUntil('all 40 after the restart', () => ids().size === 40, 90_000);
  assert.ok(consumer.stats().restarts >= 1, 'restarted by itself');
  assert.ok(
    lines().some((l) => l.msg === 'restarting the consumer after its crash'),
    'the restart is logged with its delay',
  );
  await consumer.stop();
});
