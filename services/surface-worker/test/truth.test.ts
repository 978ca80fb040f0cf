// Surfaces fitted from the simulator's quotes (books quoted around a known arbitrage-free eSSVI
// truth, with Deribit ticks and realistic spreads) are arbitrage-free and match the truth.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DeltaConvention } from '@volstream/contracts';
import { init, load, type SviCore } from 'svi-core';
import { calendarDomain, worstCrossing } from '../src/arbitrage.ts';
import { DEFAULT_SURFACE_OPTIONS, SurfaceTransform } from '../src/index.ts';
import { simChain, split } from './helpers.ts';

let core: SviCore;
before(async () => {
  await init(); // the simulator's pricing uses the module-level instance
  core = await load();
});

describe('fits on simulator quotes vs the truth', () => {
  for (const seed of [7, 11, 23]) {
    it(`seed ${seed}: zero butterfly/calendar violations; ATM within 0.5 and RR25 within 1 vol point (T >= 7d)`, () => {
      const chain = simChain(core, seed);
      const t = new SurfaceTransform({ core });
      const { surfaces } = split(t.process(chain.events).outputs);
      const surface = surfaces.at(-1);
      assert.ok(surface !== undefined, 'a surface is published');
      assert.equal(surface.deltaConvention, DeltaConvention.PREMIUM_ADJUSTED);
      assert.ok(
        surface.smiles.length >= chain.truth.length - 2,
        `${surface.smiles.length} of ${chain.truth.length} expiries`,
      );
      // Independent re-check of what was published.
      const slices = surface.smiles.map((s) => ({ time: s.timeToExpiryYears, params: { ...s.svi! } }));
      for (let i = 1; i < slices.length; i++) {
        const [a, b] = [slices[i - 1]!, slices[i]!];
        const domain = calendarDomain(b.time, DEFAULT_SURFACE_OPTIONS.filters.maxWingZ);
        assert.equal(
          worstCrossing(core, a.params, b.params, domain),
          undefined,
          `slices ${i - 1}/${i} cross`,
        );
      }
      const grid = Float64Array.from({ length: 1201 }, (_, i) => -3 + i * 0.005);
      for (const s of slices) assert.ok(Math.min(...core.sviG(s.params, grid)) >= 0, 'butterfly-free');
      assert.equal(
        surface.arbitrage?.calendarViolations ?? 0,
        surface.arbitrage?.violations.filter((v) => v.repaired).length ?? 0,
      );
      let checked = 0;
      for (const truth of chain.truth) {
        if (truth.years < 7 / 365) continue;
        const m = surface.expiries.find((e) => Number(e.expiryMs) === truth.expiryMs);
        assert.ok(m !== undefined, `expiry ${truth.expiryMs} published`);
        const [tm] = core.surfaceMetrics([{ time: truth.years, params: truth.raw }], {
          deltaConvention: 'premium-adjusted',
        });
        const atmErr = Math.abs((m.atmVol ?? Number.NaN) - (tm?.atmVol ?? Number.NaN)) * 100;
        const rrErr = Math.abs((m.rr25 ?? Number.NaN) - (tm?.rr25 ?? Number.NaN)) * 100;
        assert.ok(atmErr <= 0.5, `ATM error ${atmErr.toFixed(3)} vol pts at T=${truth.years.toFixed(3)}`);
        assert.ok(rrErr <= 1, `RR25 error ${rrErr.toFixed(3)} vol pts at T=${truth.years.toFixed(3)}`);
        checked++;
      }
      assert.ok(checked >= 5, `checked ${checked} expiries >= 7d`);
      assert.ok(surface.tenors.length === 8 && surface.riskNodes.length === 40);
    });
  }
});
