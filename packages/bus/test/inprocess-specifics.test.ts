import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isVolstreamError } from '@volstream/errors';
import { type Bus, createBus, InProcessBroker, partitionOf } from '../src/index.ts';
import { collect, quietLogger, type Tick, tickCodec, ticks, waitUntil } from './helpers.ts';

const logger = quietLogger();
const tick = (seq: number, id = 'k'): Tick => ({ id, seq });

function smallBus(maxMessages: number): { bus: Bus; broker: InProcessBroker } {
  const broker = new InProcessBroker({ retention: { maxMessages } });
  return { bus: createBus({ transport: 'inprocess', broker }, { logger }), broker };
}

describe('in-process backpressure and retention', () => {
  test('a consumer that does not keep up makes send wait; memory stays bounded; nothing is lost', async () => {
    const { bus, broker } = smallBus(100);
    const codec = tickCodec('bp');
    const log = broker.topic('bp').partitions;
    const consumer = bus.consumer<Tick>({ groupId: 'slow', maxBatchMessages: 10 });
    await consumer.subscribe([codec], { fromBeginning: true });
    let open: () => void = () => {};
    let gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const seen: number[] = [];
    await consumer.run({
      eachBatch: async (batch) => {
        await gate;
        for (const m of batch.messages) seen.push(m.value.seq);
      },
    });
    const producer = bus.producer();
    let sent = false;
    const sending = producer.send(codec, ticks(1, 1000)).then(() => {
      sent = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(sent, false, 'send waits while the consumer is stuck');
    const retained = log.reduce((s, p) => s + p.length, 0);
    assert.equal(retained, 100, 'the log holds the retention limit, not the whole send');
    open();
    gate = Promise.resolve();
    await sending;
    await waitUntil('all 1000', () => seen.length === 1000);
    assert.deepEqual(
      seen,
      Array.from({ length: 1000 }, (_, i) => i),
    );
    await bus.close();
  });

  test('send fails with BUS_BACKPRESSURE_TIMEOUT when the consumer never frees space', async () => {
    const { bus } = smallBus(10);
    const codec = tickCodec('bp-timeout');
    const consumer = bus.consumer<Tick>({ groupId: 'stuck' });
    await consumer.subscribe([codec], { fromBeginning: true });
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    await consumer.run({ eachBatch: () => stuck });
    const producer = bus.producer({ backpressureTimeoutMs: 100 });
    const started = Date.now();
    await assert.rejects(producer.send(codec, ticks(1, 50)), (err) =>
      isVolstreamError(err, 'BUS_BACKPRESSURE_TIMEOUT'),
    );
    assert.ok(Date.now() - started >= 90);
    release();
    await bus.close();
  });

  test('a group with no live member does not block producers; retention drops its unread messages', async () => {
    const { bus } = smallBus(20);
    const codec = tickCodec('retention');
    const producer = bus.producer({ backpressureTimeoutMs: 200 });
    const first = bus.consumer<Tick>({ groupId: 'away' });
    await first.subscribe([codec], { fromBeginning: true });
    const got1 = await collect(first);
    await producer.send(codec, [tick(0)]);
    await waitUntil('first message', () => got1.length === 1);
    await first.stop();
    await producer.send(codec, ticks(1, 100, 1));
    const back = bus.consumer<Tick>({ groupId: 'away' });
    await back.subscribe([codec]);
    const got2 = await collect(back);
    await waitUntil('the retained tail', () => got2.length === 20);
    assert.deepEqual(
      got2.map((m) => m.value.seq),
      Array.from({ length: 20 }, (_, i) => 81 + i),
    );
    await bus.close();
  });
});

describe('in-process consumer control', () => {
  test('a failing handler gets the same batch again and nothing is committed meanwhile', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const codec = tickCodec('retry');
    await bus.producer().send(codec, ticks(1, 5));
    const consumer = bus.consumer<Tick>({ groupId: 'retry', retryDelayMs: 10 });
    await consumer.subscribe([codec], { fromBeginning: true });
    const attempts: number[][] = [];
    await consumer.run({
      eachBatch: async (batch) => {
        attempts.push(batch.messages.map((m) => m.offset));
        if (attempts.length < 3) {
          assert.equal((await consumer.lag()).total, 5);
          throw new Error('downstream unavailable');
        }
      },
    });
    await waitUntil('success', async () => (await consumer.lag()).total === 0);
    assert.deepEqual(attempts, [
      [0, 1, 2, 3, 4],
      [0, 1, 2, 3, 4],
      [0, 1, 2, 3, 4],
    ]);
    await bus.close();
  });

  test('pause holds delivery back and resume continues where it stopped', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const codec = tickCodec('pause');
    const producer = bus.producer();
    const consumer = bus.consumer<Tick>({ groupId: 'pause' });
    await consumer.subscribe([codec], { fromBeginning: true });
    const got = await collect(consumer);
    consumer.pause([codec.name]);
    await producer.send(codec, ticks(3, 3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(got.length, 0);
    assert.equal((await consumer.lag()).total, 9);
    consumer.resume([codec.name]);
    await waitUntil('all after resume', () => got.length === 9);
    await bus.close();
  });

  test('seek and seekToTimestamp replay from an offset or a time', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const codec = tickCodec('seek');
    const producer = bus.producer();
    await producer.send(codec, ticks(1, 5, 0));
    await new Promise((resolve) => setTimeout(resolve, 15));
    const midpoint = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await producer.send(codec, ticks(1, 5, 5));
    const consumer = bus.consumer<Tick>({ groupId: 'seek' });
    await consumer.subscribe([codec], { fromBeginning: true });
    const got = await collect(consumer);
    await waitUntil('first pass', () => got.length === 10);
    const partition = got[0]!.partition;
    consumer.seek(codec.name, partition, 7);
    await waitUntil('offset replay', () => got.length === 13);
    assert.deepEqual(
      got.slice(10).map((m) => m.offset),
      [7, 8, 9],
    );
    await consumer.seekToTimestamp(codec.name, midpoint);
    await waitUntil('time replay', () => got.length === 18);
    assert.deepEqual(
      got.slice(13).map((m) => m.value.seq),
      [5, 6, 7, 8, 9],
    );
    await bus.close();
  });

  test('a partition moving to a new member waits for the old owner to commit its batch', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const codec = tickCodec('join');
    // Round-robin gives partition 1 to the second member; find a key living there.
    let id = 'k0';
    for (let i = 0; partitionOf(id, 4) !== 1; i++) id = `k${i}`;
    await bus.producer().send(
      codec,
      ticks(1, 20, 0, id.slice(0, 1)).map((t) => ({ ...t, id })),
    );
    const a = bus.consumer<Tick>({ groupId: 'join', maxBatchMessages: 5 });
    const b = bus.consumer<Tick>({ groupId: 'join', maxBatchMessages: 5 });
    await a.subscribe([codec], { fromBeginning: true });
    await b.subscribe([codec], { fromBeginning: true });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const byA: number[] = [];
    await a.run({
      eachBatch: async (batch) => {
        await held;
        for (const m of batch.messages) byA.push(m.value.seq);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const gotB = await collect(b);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(gotB.length, 0, 'the new owner waits while the old owner holds the batch');
    release();
    await waitUntil('the rest via the new owner', () => gotB.length === 15);
    assert.deepEqual(byA, [0, 1, 2, 3, 4]);
    assert.deepEqual(
      gotB.map((m) => m.value.seq),
      Array.from({ length: 15 }, (_, i) => i + 5),
    );
    await bus.close();
  });

  test('buses sharing one broker see the same topics and groups', async () => {
    const broker = new InProcessBroker();
    const left = createBus({ transport: 'inprocess', broker }, { logger });
    const right = createBus({ transport: 'inprocess', broker }, { logger });
    const codec = tickCodec('shared');
    const consumer = right.consumer<Tick>({ groupId: 'shared' });
    await consumer.subscribe([codec]);
    const got = await collect(consumer);
    await left.producer().send(codec, ticks(2, 2));
    await waitUntil('delivered across buses', () => got.length === 4);
    await Promise.all([left.close(), right.close()]);
  });

  test('a closed producer refuses sends', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger });
    const producer = bus.producer();
    await producer.close();
    await assert.rejects(producer.send(tickCodec('closed'), [tick(1)]), (err) =>
      isVolstreamError(err, 'BUS_CLOSED'),
    );
  });
});
