// Work reduction when only the forward moved (QUANT.md §4). With the coin price c held fixed,
// implicit differentiation of B(F, σ) = c·F gives dσ = -(Δ_pa / 𝒱)·dF, 𝒱 = F·φ(d₊)·√T,
// Δ_pa = ω(K/F)N(ωd₋). svi-core's ivUpdateCoinHeld returns that first-order σ₁ and an estimate of
// its error (half the change of the slope along the step, i.e. the second-order term). From it:
//   skip:        |σ₁ - σ_published| + safety·err < skip threshold (1 bp): nothing displayed changes;
//   approximate: safety·err <= budget and |dF/F| <= maxMove: publish σ₁ (flag approximated);
//   otherwise:   full re-inversion.
// The approximation always starts from the last exact inversion (the anchor), never from an
// earlier approximation, so errors do not accumulate; skipping compares with what was published,
// so creeping moves add up until they matter.
import type { SviCore } from 'svi-core';
import { SIDE_COUNT } from './quote-input.ts';

export interface WorkReductionOptions {
  /** Forward moves that cannot change any side's vol by this many bp are skipped (0 = never skip). */
  skipBp: number;
  /** Error budget of the first-order path, bp of vol (0 = never approximate). */
  approxBudgetBp: number;
  /** Factor on the error estimate before comparing with a budget. */
  safety: number;
  /** Largest |dF/F| the first-order path is tried for. */
  maxMove: number;
}

export const DEFAULT_WORK_REDUCTION: WorkReductionOptions = {
  skipBp: 1,
  approxBudgetBp: 1,
  safety: 2,
  maxMove: 0.02,
};

/** Vols of the four sides at a forward (NaN = side absent). */
export interface VolPoint {
  forward: number;
  vols: Float64Array;
  /** Error bound of each published vol vs exact inversion (0 when exact; the bound when approximated). */
  errors?: Float64Array;
}

export interface Candidate {
  strike: number;
  time: number;
  isCall: boolean;
  inverse: boolean;
  /** bid, ask, mid, mark prices (NaN = none): a priced side without a vol may become invertible. */
  prices: Float64Array;
  anchor: VolPoint;
  published: VolPoint;
  /** The new forward. */
  forward: number;
}

export type Decision =
  | { kind: 'skip' }
  | { kind: 'approximate'; vols: Float64Array; errors: Float64Array }
  | { kind: 'invert' };

const BP = 1e-4;

/** One batch call into WASM for every candidate (8 rows each: 4 sides from published, 4 from anchor). */
export function decide(core: SviCore, candidates: readonly Candidate[], o: WorkReductionOptions): Decision[] {
  const usable = candidates.map((c) => c.inverse && (o.skipBp > 0 || o.approxBudgetBp > 0));
  const n = usable.includes(true) ? candidates.length * 2 * SIDE_COUNT : 0;
  const vol = new Float64Array(n);
  const forwardOld = new Float64Array(n);
  const forwardNew = new Float64Array(n);
  const strike = new Float64Array(n);
  const time = new Float64Array(n);
  const isCall = new Uint8Array(n);
  if (n > 0)
    candidates.forEach((c, i) => {
      for (let j = 0; j < 2 * SIDE_COUNT; j++) {
        const r = i * 2 * SIDE_COUNT + j;
        const from = j < SIDE_COUNT ? c.published : c.anchor;
        // A linear (USD-quoted) option holds its USD price, not its coin price: no first-order path.
        vol[r] = usable[i] ? from.vols[j % SIDE_COUNT]! : Number.NaN;
        forwardOld[r] = from.forward;
        forwardNew[r] = c.forward;
        strike[r] = c.strike;
        time[r] = c.time;
        isCall[r] = c.isCall ? 1 : 0;
      }
    });
  const { vols, errors } =
    n === 0
      ? { vols: new Float64Array(0), errors: new Float64Array(0) }
      : core.ivUpdateCoinHeld({ vol, forwardOld, forwardNew, strike, time, isCall });
  return candidates.map((c, i): Decision => {
    if (!usable[i]) return { kind: 'invert' };
    const base = i * 2 * SIDE_COUNT;
    let skip = o.skipBp > 0;
    let approx = o.approxBudgetBp > 0 && Math.abs(c.forward / c.anchor.forward - 1) <= o.maxMove;
    const out = new Float64Array(SIDE_COUNT).fill(Number.NaN);
    const bounds = new Float64Array(SIDE_COUNT);
    for (let j = 0; j < SIDE_COUNT; j++) {
      const pubVol = c.published.vols[j]!;
      const anchorVol = c.anchor.vols[j]!;
      if (Number.isFinite(c.prices[j]!) && !Number.isFinite(anchorVol)) {
        // A price that had no vol (below intrinsic, at the cap) may have one at the new forward.
        skip = false;
        approx = false;
      }
      if (Number.isFinite(pubVol)) {
        // What was published may itself be an approximation: its bound counts against the skip.
        const pubErr = c.published.errors?.[j] ?? 0;
        const moved = Math.abs(vols[base + j]! - pubVol) + o.safety * errors[base + j]! + pubErr;
        if (!(moved < o.skipBp * BP)) skip = false;
      }
      if (Number.isFinite(anchorVol)) {
        const v = vols[base + SIDE_COUNT + j]!;
        const bound = o.safety * errors[base + SIDE_COUNT + j]!;
        if (!(Number.isFinite(v) && v > 0 && bound <= o.approxBudgetBp * BP)) approx = false;
        out[j] = v;
        bounds[j] = bound;
      } else if (Number.isFinite(pubVol)) approx = false;
    }
    if (skip) return { kind: 'skip' };
    return approx ? { kind: 'approximate', vols: out, errors: bounds } : { kind: 'invert' };
  });
}
