// Ground-truth vectors of docs QUANT.md §5 (rows 1, 2, 4, 5, 6, 8, 9) as executable checks on a
// loaded module; the conformance kit's accuracy check. Each returns the measured error so the
// report shows numbers, not only pass/fail.
import type { SviCore, SviParams } from '../pkg/svi_core.js';
import { minGOnGrid } from './workload.ts';

export interface VectorResult {
  row: string;
  pass: boolean;
  /** What was compared, with the measured value and the tolerance. */
  detail: string;
  error: number;
}

/** QUANT.md §5 row 8: Vogt's slice (GJ Example 3.1), not butterfly-free. */
export const VOGT: SviParams = { a: -0.041, b: 0.1331, rho: 0.306, m: 0.3586, sigma: 0.4153 };
/** QUANT.md §5 row 9: its GJ repair at t = 1 (raw a, b, ρ, m, σ). */
export const VOGT_REPAIRED: SviParams = {
  a: 0.0077409,
  b: 0.069242,
  rho: -0.3340365,
  m: 0.0420337,
  sigma: 0.1186078,
};

function rel(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

function result(row: string, error: number, tol: number, what: string): VectorResult {
  const pass = Number.isFinite(error) && error <= tol;
  return {
    row,
    pass,
    error,
    detail: `${what}: error ${error.toExponential(2)} (tolerance ${tol.toExponential(0)})`,
  };
}

/** Runs every vector; optional exports (inverse IV, repair) are checked when present. */
export function runReferenceVectors(core: SviCore): VectorResult[] {
  const out: VectorResult[] = [];
  const p1 = core.black76(100, 100, 0.5, 0.2, true);
  out.push(result('1', rel(p1, 5.637197779701664), 1e-13, 'Black(100,100,0.2,0.5) rel.'));
  out.push(result('1', Math.abs(core.impliedVol(p1, 100, 100, 0.5, true) - 0.2), 1e-12, 'IV → 0.2 abs.'));
  const norm = Math.sqrt(100 * 95);
  out.push(
    result(
      '2',
      rel(core.black76(100, 95, 0.5, 0.3, false) / norm, 0.061296663817558904),
      1e-13,
      'put β rel.',
    ),
  );
  out.push(
    result('2', rel(core.black76(100, 95, 0.5, 0.3, true) / norm, 0.11259558142181655), 1e-13, 'call β rel.'),
  );
  const p4 = core.black76(1, 1.5, 1, 0.04, true);
  out.push(result('4', rel(p4, 9.010020309242865e-27), 1e-9, 'deep OTM price rel.'));
  out.push(
    result(
      '4',
      Math.abs(core.impliedVol(9.010020309242865e-27, 1, 1.5, 1, true) - 0.04),
      1e-9,
      'IV → 0.04 abs.',
    ),
  );
  const v5 = core.impliedVol(5.542369058543931e-20, 60000, 90000, 1 / 365, true);
  out.push(
    result(
      '5',
      Number.isNaN(v5) ? 0 : Math.abs(v5 - 0.8),
      1e-6,
      `IV → 0.8 or NaN (below tick), was ${v5.toFixed(6)}`,
    ),
  );
  const p6 = core.black76(60000, 65000, 7 / 365, 0.55, true);
  out.push(result('6', rel(p6, 359.1928213953431), 1e-12, 'B rel.'));
  if (core.moduleInfo().exports.includes('vs_implied_vols_inverse')) {
    const v6 = core.impliedVolInverse(0.005986547023255718, 60000, 65000, 7 / 365, true);
    out.push(result('6', Math.abs(v6 - 0.55), 1e-10, 'inverse IV from coin price → 0.55 abs.'));
  }
  const k = Float64Array.from({ length: 1201 }, (_, i) => -3 + i * 0.005);
  const g = core.sviG(VOGT, k);
  let iMin = 0;
  for (let i = 1; i < g.length; i++) if (g[i]! < g[iMin]!) iMin = i;
  out.push(
    result(
      '8',
      Math.abs(g[iMin]! - -0.03286),
      2e-4,
      `Vogt min g ${g[iMin]!.toFixed(5)} at k ${k[iMin]!.toFixed(3)}`,
    ),
  );
  out.push(result('8', Math.abs(k[iMin]! - 0.879), 0.01, 'Vogt argmin k'));
  if (core.moduleInfo().exports.includes('vs_svi_gj_repair')) {
    const r = core.sviGjRepair(VOGT, 1);
    const err =
      r === null
        ? Number.NaN
        : Math.max(
            ...(['a', 'b', 'rho', 'm', 'sigma'] as const).map((key) => Math.abs(r[key] - VOGT_REPAIRED[key])),
          );
    out.push(result('9', err, 1e-6, 'GJ repair params abs.'));
    if (r !== null) out.push(result('9', Math.abs(minGOnGrid(r) - 0.263), 2e-3, 'repaired min g → +0.263'));
  }
  return out;
}
