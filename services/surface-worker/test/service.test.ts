// The surface worker as a service on the in-process bus (the real worker runtime): volatility
// batches in, smiles and surfaces out, offsets committed; a second member of a new group rebuilds
// the same surfaces from the retained topic (state rebuilt from the topics, same event ids).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Bus, createBus } from '@volstream/bus';
import { SmileSchema, type SurfaceEvent, TOPICS, toBinary } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { init, load, type SviCore } from 'svi-core';
import { build } from '../src/index.ts';
import { SIM_START, simChain } from './helpers.ts';

const logger = createLogger({ service: 'surface-worker-test', level: 'silent' });
let core: SviCore;
before(async () => {
  await init();
  core = await load();
});

async function collect(bus: Bus, groupId: string) {
  const values: SurfaceEvent[] = [];
  const consumer = bus.consumer<SurfaceEvent>({ groupId });
  await consumer.subscribe([TOPICS.surface], { fromBeginning: true });
  await consumer.run({
    async eachBatch(batch) {
      for (const m of batch.messages) values.push(m.value);
    },
  });
  return { values, stop: () => consumer.stop() };
}

async function waitUntil(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('surface worker service (in-process bus, worker runtime)', () => {
  it('consumes quote batches, publishes smiles and surfaces; a new group rebuilds the same smiles with the same ids', async () => {
    const bus = createBus({ transport: 'inprocess' }, { logger });
    // Expiries arrive on their own partitions (key currency:expiry); each new smile is shown at once,
    // the chain one second later (next display tick) refreshes the whole surface.
    const chain = simChain(core, 11);
    const later = simChain(core, 11, 'deribit', SIM_START + 1_000);
    await bus.producer().send(TOPICS.volatility, chain.events);
    const worker = await build({}, { bus, logger, core });
    const out = await collect(bus, 'reader');
    await waitUntil(
      'first chain consumed',
      async () => (await worker.lag()).total === 0 && worker.stats().in > 0,
    );
    const firstSmiles = () => out.values.filter((e) => e.payload.case === 'smile');
    assert.ok(firstSmiles().length >= chain.truth.length - 2, `${firstSmiles().length} smiles`);
    // A member of a new group replays the retained topic and rebuilds the state: the same smiles
    // with the same ids (and, but for the wall-clock fit time, the same bytes).
    const original = new Map(firstSmiles().map((e) => [e.header?.eventId, e]));
    const seen = out.values.length;
    const again = await build({ groupId: 'surface-worker-2' }, { bus, logger, core });
    await waitUntil(
      'replayed',
      async () => (await again.lag()).total === 0 && again.stats().in === chain.events.length,
    );
    await waitUntil(
      'republished',
      () => out.values.slice(seen).filter((e) => e.payload.case === 'smile').length >= original.size,
    );
    const bytes = (e: SurfaceEvent) => {
      const smile = e.payload.case === 'smile' ? { ...e.payload.value } : undefined;
      if (smile?.diagnostics !== undefined) smile.diagnostics = { ...smile.diagnostics, fitTimeUs: 0 };
      return smile === undefined ? undefined : toBinary(SmileSchema, smile);
    };
    const replayed = out.values.slice(seen).filter((e) => e.payload.case === 'smile');
    assert.deepEqual(new Set(replayed.map((e) => e.header?.eventId)), new Set(original.keys()));
    for (const e of replayed) assert.deepEqual(bytes(e), bytes(original.get(e.header?.eventId)!));
    await again.stop();
    // Next tick: a full surface from the running member.
    await bus.producer().send(TOPICS.volatility, later.events);
    await waitUntil('a full surface', () =>
      out.values.some(
        (e) => e.payload.case === 'surface' && e.payload.value.smiles.length >= later.truth.length - 2,
      ),
    );
    await waitUntil('lag 0', async () => (await worker.lag()).total === 0);
    const stats = worker.stats();
    assert.equal(stats.in, chain.events.length + later.events.length);
    assert.ok((stats.counters.fits ?? 0) >= chain.events.length);
    assert.deepEqual(stats.dropped, {});
    for (const e of out.values) {
      assert.equal(e.header?.venue, 'deribit');
      assert.ok((e.header?.receiveTimeNs ?? 0n) > 0n, 'receive time of the newest input');
    }
    await worker.stop();
    await out.stop();
    await bus.close();
  });
});
