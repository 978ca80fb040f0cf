// The transformation on recorded inputs: the real 2020-05-21 Deribit BTC chain (326 options,
// 7 expiries) turned into volatility-topic batches the way the volatility worker does (coin prices
// inverted with B = c·F), run twice through fresh transforms: identical encoded bytes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SurfaceEventSchema, toBinary } from '@volstream/contracts';
import { load, type SviCore } from 'svi-core';
import { readChain2020 } from 'svi-core/deribit-chain';
import { SurfaceTransform } from '../src/index.ts';
import { batchEvent, type QuoteSpec, split, YEAR_MS } from './helpers.ts';

const CHAIN = new URL(
  '../../../../shared/data/deribit_chain_snapshot_2020-05-21/options_data.csv',
  import.meta.url,
);

let core: SviCore;
before(async () => {
  core = await load();
});

function recordedEvents() {
  const rows = readChain2020(CHAIN.pathname).filter((q) => q.currency === 'BTC');
  const inv = (price: (q: (typeof rows)[number]) => number) =>
    core.impliedVolsInverse({
      price: Float64Array.from(rows, price),
      forward: Float64Array.from(rows, (q) => q.forward),
      strike: Float64Array.from(rows, (q) => q.strike),
      time: Float64Array.from(rows, (q) => q.time),
      isCall: Uint8Array.from(rows, (q) => (q.isCall ? 1 : 0)),
    });
  const bid = inv((q) => q.bid);
  const ask = inv((q) => q.ask);
  const mid = inv((q) => (q.bid + q.ask) / 2);
  const byExpiry = new Map<number, { quotes: QuoteSpec[]; forward: number; eventMs: number }>();
  rows.forEach((q, i) => {
    const eventMs = Math.round(q.expiryMs - q.time * YEAR_MS);
    const e = byExpiry.get(q.expiryMs) ?? { quotes: [], forward: q.forward, eventMs };
    e.eventMs = Math.max(e.eventMs, eventMs);
    const spec: QuoteSpec = {
      name: q.instrument,
      strike: q.strike,
      isCall: q.isCall,
      valuationTimeMs: eventMs,
    };
    if (Number.isFinite(bid[i])) Object.assign(spec, { bidIv: bid[i], bidPrice: q.bid });
    if (Number.isFinite(ask[i])) Object.assign(spec, { askIv: ask[i], askPrice: q.ask });
    if (Number.isFinite(mid[i])) Object.assign(spec, { midIv: mid[i] });
    e.quotes.push(spec);
    byExpiry.set(q.expiryMs, e);
  });
  return [...byExpiry.entries()]
    .sort(([a], [b]) => a - b)
    .map(([expiry, e]) =>
      batchEvent({
        venue: 'deribit',
        expiryMs: BigInt(expiry),
        forward: e.forward,
        eventMs: e.eventMs,
        quotes: e.quotes,
      }),
    );
}

function run(events: ReturnType<typeof recordedEvents>) {
  let clock = 0;
  const t = new SurfaceTransform({
    core,
    clockUs: () => (clock += 10),
    nowNs: () => 1_590_000_000_000_000_000n,
  });
  const out = [...t.process(events).outputs, ...t.flush()];
  return { out, stats: t.stats() };
}

describe('recorded Deribit chain', () => {
  it('publishes butterfly-free smiles for the liquid expiries and is byte-for-byte deterministic', () => {
    const events = recordedEvents();
    assert.ok(events.length >= 5);
    const a = run(events);
    const b = run(recordedEvents());
    assert.deepEqual(
      a.out.map((e) => Buffer.from(toBinary(SurfaceEventSchema, e)).toString('hex')),
      b.out.map((e) => Buffer.from(toBinary(SurfaceEventSchema, e)).toString('hex')),
    );
    const { smiles, surfaces } = split(a.out);
    const surface = surfaces.at(-1);
    assert.ok(surface !== undefined && surface.smiles.length >= 4, `${surface?.smiles.length} smiles`);
    for (const s of surface.smiles) {
      assert.equal(s.diagnostics?.butterflyFree, true);
      assert.ok((s.diagnostics?.minG ?? -1) >= 0);
      assert.ok((s.diagnostics?.rmseVolPoints ?? 99) < 3, `rmse ${s.diagnostics?.rmseVolPoints}`);
      assert.ok((s.atmVol ?? 0) > 0.3 && (s.atmVol ?? 9) < 1.5, `atm ${s.atmVol}`);
    }
    assert.ok(smiles.length >= surface.smiles.length);
    // Equal ids only for equal content (flush re-publishes the same tick: a droppable duplicate).
    const byId = new Map<string, string>();
    for (const e of a.out) {
      const payload = Buffer.from(toBinary(SurfaceEventSchema, { ...e, header: undefined })).toString('hex');
      const seen = byId.get(e.header?.eventId ?? '');
      if (seen !== undefined) assert.equal(seen, payload, 'same id, different content');
      byId.set(e.header?.eventId ?? '', payload);
    }
    assert.ok(byId.size >= surface.smiles.length + 1);
    assert.ok(a.out.every((e) => (e.header?.receiveTimeNs ?? 0n) > 0n));
  });
});
