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

/**
 * One value per side (bid, ask, mid, mark; NaN = absent). A plain 4-element array: one is kept per
 * option and made per recompute, and a small typed array costs several times more to allocate.
 */
export type SideValues = number[];

/** Vols of the four sides at a forward (NaN = side absent). */
export interface VolPoint {
  forward: number;
  vols: SideValues;
  /** Error bound of each published vol vs exact inversion (0 when exact; the bound when approximated). */
  errors?: SideValues;
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
  | { kind: 'approximate'; vols: SideValues; errors: SideValues }
  | { kind: 'invert' };

const BP = 1e-4;
// Shared decisions without payload (one per candidate would only feed the garbage collector).
const SKIP: Decision = Object.freeze({ kind: 'skip' });
const INVERT: Decision = Object.freeze({ kind: 'invert' });

/** One batch call into WASM for every candidate (4 rows from the anchor, 4 more from a differing published point). */
export function decide(core: SviCore, candidates: readonly Candidate[], o: WorkReductionOptions): Decision[] {
  const enabled = o.skipBp > 0 || o.approxBudgetBp > 0;
  // Rows per candidate: 4 from the anchor, plus 4 from what was published when that differs (it was
  // an approximation); after an exact inversion both are the same point and 4 rows serve both.
  const pubRow = new Int32Array(candidates.length);
  const anchorRow = new Int32Array(candidates.length);
  let n = 0;
  candidates.forEach((c, i) => {
    // A linear (USD-quoted) option holds its USD price, not its coin price: no first-order path.
    if (!enabled || !c.inverse) {
      anchorRow[i] = -1;
      return;
    }
    anchorRow[i] = n;
    n += SIDE_COUNT;
    if (c.published.vols === c.anchor.vols && c.published.forward === c.anchor.forward)
      pubRow[i] = anchorRow[i]!;
    else {
      pubRow[i] = n;
      n += SIDE_COUNT;
    }
  });
  const vol = new Float64Array(n);
  const forwardOld = new Float64Array(n);
  const forwardNew = new Float64Array(n);
  const strike = new Float64Array(n);
  const time = new Float64Array(n);
  const isCall = new Uint8Array(n);
  const fill = (row: number, from: VolPoint, c: Candidate): void => {
    for (let j = 0; j < SIDE_COUNT; j++) {
      vol[row + j] = from.vols[j]!;
      forwardOld[row + j] = from.forward;
      forwardNew[row + j] = c.forward;
      strike[row + j] = c.strike;
      time[row + j] = c.time;
      isCall[row + j] = c.isCall ? 1 : 0;
    }
  };
  candidates.forEach((c, i) => {
    if (anchorRow[i]! < 0) return;
    fill(anchorRow[i]!, c.anchor, c);
    if (pubRow[i] !== anchorRow[i]) fill(pubRow[i]!, c.published, c);
  });
  const { vols, errors } =
    n === 0
      ? { vols: new Float64Array(0), errors: new Float64Array(0) }
      : core.ivUpdateCoinHeld({ vol, forwardOld, forwardNew, strike, time, isCall });
  const out: Decision[] = new Array(candidates.length);
  // Scratch for the approximated vols and bounds: copied out only for an 'approximate' decision.
  const approxVols = new Float64Array(SIDE_COUNT);
  const approxBounds = new Float64Array(SIDE_COUNT);
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (anchorRow[i]! < 0) {
      out[i] = INVERT;
      continue;
    }
    const pb = pubRow[i]!;
    const ab = anchorRow[i]!;
    let skip = o.skipBp > 0;
    let approx = o.approxBudgetBp > 0 && Math.abs(c.forward / c.anchor.forward - 1) <= o.maxMove;
    approxVols.fill(Number.NaN);
    approxBounds.fill(0);
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
        const moved = Math.abs(vols[pb + j]! - pubVol) + o.safety * errors[pb + j]! + pubErr;
        if (!(moved < o.skipBp * BP)) skip = false;
      }
      if (Number.isFinite(anchorVol)) {
        const v = vols[ab + j]!;
        const bound = o.safety * errors[ab + j]!;
        if (!(Number.isFinite(v) && v > 0 && bound <= o.approxBudgetBp * BP)) approx = false;
        approxVols[j] = v;
        approxBounds[j] = bound;
      } else if (Number.isFinite(pubVol)) approx = false;
    }
    if (skip) out[i] = SKIP;
    else if (approx) {
      const [v0, v1, v2, v3] = approxVols;
      const [b0, b1, b2, b3] = approxBounds;
      out[i] = { kind: 'approximate', vols: [v0!, v1!, v2!, v3!], errors: [b0!, b1!, b2!, b3!] };
    } else out[i] = INVERT;
  }
  return out;
}
