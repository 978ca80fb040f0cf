// The worker runtime on the in-process bus: commit only after produce, redelivery on failure,
// restart from the committed offsets, latest-wins coalescing, stats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBus, InProcessBroker } from '@volstream/bus';
import { coalesceLatest, startWorker, type WorkerDefinition } from '../src/index.ts';
import { collect, flakyProducer, type Num, numCodec, nums, quietLogger, waitUntil } from './helpers.ts';

let topicSeq = 0;
function topics() {
  topicSeq++;
  return { input: numCodec(`rt-in-${topicSeq}`), output: numCodec(`rt-out-${topicSeq}`) };
}

/** Doubles every n; optionally throws once on one input; counts transform calls. */
function doubler(io: ReturnType<typeof topics>, throwOn?: { id: string; seq: number }) {
  let thrown = false;
  const calls = { windows: 0, inputs: 0 };
  const def: WorkerDefinition<Num, Num> = {
    name: 'doubler',
    ...io,
    transform(inputs) {
      calls.windows++;
      calls.inputs += inputs.length;
      if (
        throwOn !== undefined &&
        !thrown &&
        inputs.some((i) => i.value.id === throwOn.id && i.value.seq === throwOn.seq)
      ) {
        thrown = true;
        throw new Error('injected transform failure');
      }
      const dropped = inputs.filter((i) => i.value.n < 0).length;
      return {
        outputs: inputs.filter((i) => i.value.n >= 0).map((i) => ({ ...i.value, n: i.value.n * 2 })),
        dropped: { negative: dropped },
        counters: { seen: inputs.length },
      };
    },
  };
  return { def, calls };
}

const idOf = (v: Num) => `${v.id}#${v.seq}`;

describe('worker runtime (in-process bus)', () => {
  it('a failing transform commits nothing: the window comes again and every output exists once', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger: quietLogger() });
    const io = topics();
    const input = nums(4, 25);
    await bus.producer().send(io.input, input);
    const { def } = doubler(io, { id: 'k1', seq: 7 });
    const worker = await startWorker(def, { bus, logger: quietLogger(), retryDelayMs: 10 });
    const out = await collect(bus, io.output, 'reader');
    await waitUntil('all outputs', () => out.values.length >= input.length);
    await waitUntil('lag 0', async () => (await worker.lag()).total === 0);
    assert.deepEqual(out.values.map(idOf).sort(), input.map(idOf).sort());
    assert.ok(out.values.every((v) => v.n === 2 * input.find((i) => idOf(i) === idOf(v))!.n));
    assert.equal(worker.stats().retries, 1);
    assert.equal(worker.stats().in, input.length);
    await worker.stop();
    await bus.close();
  });

  it('a failed produce commits nothing; the same window resends its outputs without re-running the transform', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger: quietLogger() });
    const io = topics();
    const input = nums(1, 10); // one key: one partition, one window
    await bus.producer().send(io.input, input);
    const { def, calls } = doubler(io);
    const producer = flakyProducer(bus.producer(), 2);
    const worker = await startWorker(def, { bus, logger: quietLogger(), retryDelayMs: 10, producer });
    const out = await collect(bus, io.output, 'reader');
    await waitUntil('all outputs', () => out.values.length >= input.length);
    await waitUntil('lag 0', async () => (await worker.lag()).total === 0);
    assert.equal(producer.failed, 2);
    assert.equal(calls.windows, 1, 'the stateful transform ran once for the window');
    assert.deepEqual(out.values.map(idOf), input.map(idOf));
    assert.equal(worker.stats().retries, 2);
    await worker.stop();
    await bus.close();
  });

  it('a restarted worker resumes after the last commit (no loss, no repeat)', async () => {
    const broker = new InProcessBroker();
    const io = topics();
    const bus1 = createBus({ transport: 'inprocess', broker }, { logger: quietLogger() });
    const first = nums(3, 10);
    await bus1.producer().send(io.input, first);
    const w1 = await startWorker(doubler(io).def, { bus: bus1, logger: quietLogger(), groupId: 'g' });
    await waitUntil('first part processed', () => w1.stats().in === first.length);
    await w1.stop();
    await bus1.close();
    const bus2 = createBus({ transport: 'inprocess', broker }, { logger: quietLogger() });
    const second = nums(3, 5, 10);
    await bus2.producer().send(io.input, second);
    const w2 = await startWorker(doubler(io).def, { bus: bus2, logger: quietLogger(), groupId: 'g' });
    await waitUntil('second part processed', () => w2.stats().in === second.length);
    const out = await collect(bus2, io.output, 'reader');
    await waitUntil('all outputs', () => out.values.length >= first.length + second.length);
    assert.deepEqual(out.values.map(idOf).sort(), [...first, ...second].map(idOf).sort());
    assert.equal(w2.stats().in, second.length);
    await w2.stop();
    await bus2.close();
  });

  it('latest wins within a window when the worker names a coalescing key; stats add up', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger: quietLogger() });
    const io = { input: numCodec(`rt-in-c${++topicSeq}`, 1), output: numCodec(`rt-out-c${topicSeq}`, 1) };
    const input = [...nums(5, 20), { id: 'bad', seq: 0, n: -1 }];
    await bus.producer().send(io.input, input);
    const { def } = doubler(io);
    const worker = await startWorker(
      { ...def, coalesceKey: (v) => (v.id === 'bad' ? undefined : v.id) },
      { bus, logger: quietLogger() },
    );
    await waitUntil('processed', () => worker.stats().in === input.length);
    const s = worker.stats();
    assert.ok(s.windows >= 1 && s.windows <= 4, `windows ${s.windows}`); // one per partition with data
    assert.equal(s.coalesced, 95);
    assert.equal(s.out, 5);
    assert.deepEqual(s.dropped, { negative: 1 });
    assert.deepEqual(s.counters, { seen: 6 });
    assert.equal(s.batchLatency.count, s.windows);
    const out = await collect(bus, io.output, 'reader');
    await waitUntil('outputs', () => out.values.length >= 5);
    assert.deepEqual(
      out.values.map((v) => v.seq),
      [19, 19, 19, 19, 19],
    );
    await worker.stop();
    await bus.close();
  });

  it('a coalescing window gathers what arrives meanwhile into one batch', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger: quietLogger() });
    const io = { input: numCodec(`rt-in-w${++topicSeq}`, 1), output: numCodec(`rt-out-w${topicSeq}`, 1) };
    const worker = await startWorker(doubler(io).def, { bus, logger: quietLogger(), windowMs: 150 });
    const producer = bus.producer();
    await producer.send(io.input, nums(1, 1));
    for (let i = 1; i <= 20; i++) {
      await producer.send(io.input, nums(1, 1, i));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitUntil('processed', () => worker.stats().in === 21);
    assert.ok(worker.stats().windows <= 4, `windows ${worker.stats().windows}`);
    await worker.stop();
    await bus.close();
  });

  it('coalesceLatest keeps the last of each key in offset order, unkeyed inputs untouched', () => {
    const inputs = ['a', 'b', 'a', '-', 'c', 'b'].map((id, offset) => ({
      value: { id, seq: offset, n: 0 },
      key: id,
      partition: 0,
      offset,
    }));
    const kept = coalesceLatest(inputs, (v) => (v.id === '-' ? undefined : v.id));
    assert.deepEqual(
      kept.map((i) => `${i.value.id}${i.offset}`),
      ['a2', '-3', 'c4', 'b5'],
    );
  });
});
