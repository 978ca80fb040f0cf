// Conformance kit: tells a researcher whether a replacement fitter module (.wasm exporting the
// ABI of quant-core/ABI.md) is acceptable. Checks, each pass/fail with a reason and figures:
// exports + ABI version, QUANT.md §5 accuracy, IV round trip, butterfly-free fits on generated and
// real slices (verified in TypeScript, not trusted from the module), and speed.
// `npx volstream fitter-check path.wasm` prints formatFitterCheckReport() and exits 0/1.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ABI_VERSION, load, REQUIRED_EXPORTS, type SviCore } from '../pkg/svi_core.js';
import {
  fitSpeedCheck,
  ivRoundTripCheck,
  ivSpeedCheck,
  realSliceCheck,
  syntheticFitCheck,
} from './fitter-checks.ts';
import { runReferenceVectors } from './reference-vectors.ts';

export interface FitterCheck {
  name: string;
  pass: boolean;
  reason: string;
  figures: Record<string, number>;
}

export interface FitterCheckReport {
  wasmPath: string;
  pass: boolean;
  abiVersion: number | null;
  fitterId: string | null;
  checks: FitterCheck[];
  durationMs: number;
}

export interface FitterCheckOptions {
  /** Folder with the recorded Deribit chains (default: ../shared/data beside the repo). */
  dataDir?: string;
  /** Absolute floor for batch IV throughput; default: ≥ 1/3 of the bundled module's, same run. */
  minIvsPerSecond?: number;
  /** Absolute ceiling for the median 50-quote slice fit; default: ≤ 3× the bundled module's. */
  maxFitMicros?: number;
  /** The module speed is compared with (default: this package's pkg/svi_core_bg.wasm). */
  referenceWasm?: string;
}

/** The slice of the WebAssembly JS API used here (the project's TS lib declares none). */
interface WasmIntrospection {
  Module: { new (bytes: Uint8Array): object; exports(module: object): Array<{ name: string }> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmIntrospection }).WebAssembly;

const DEFAULT_REFERENCE = fileURLToPath(new URL('../pkg/svi_core_bg.wasm', import.meta.url));
const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));

function exportsCheck(bytes: Uint8Array): FitterCheck {
  let names: string[];
  try {
    names = wasmApi.Module.exports(new wasmApi.Module(bytes)).map((e) => e.name);
  } catch (error) {
    return { name: 'exports', pass: false, reason: `not a valid wasm module: ${String(error)}`, figures: {} };
  }
  const missing = REQUIRED_EXPORTS.filter((name) => !names.includes(name));
  const figures = { required: REQUIRED_EXPORTS.length, present: REQUIRED_EXPORTS.length - missing.length };
  if (missing.length > 0)
    return { name: 'exports', pass: false, reason: `missing ${missing.join(', ')}`, figures };
  return {
    name: 'exports',
    pass: true,
    reason: `all ${REQUIRED_EXPORTS.length} required exports present`,
    figures,
  };
}

function vectorsCheck(core: SviCore): FitterCheck {
  const results = runReferenceVectors(core);
  const failed = results.filter((r) => !r.pass);
  const worst = Math.max(
    ...results.map((r) => (Number.isFinite(r.error) ? r.error : Number.POSITIVE_INFINITY)),
  );
  return {
    name: 'reference-vectors',
    pass: failed.length === 0,
    reason:
      failed.length === 0
        ? `${results.length} QUANT.md §5 checks within tolerance`
        : failed.map((r) => `row ${r.row} ${r.detail}`).join('; '),
    figures: { checks: results.length, failed: failed.length, worstError: worst },
  };
}

/** The recorded chain files under dataDir that exist. */
function chainFiles(dataDir: string): string[] {
  const files = [join(dataDir, 'deribit_chain_snapshot_2020-05-21', 'options_data.csv')];
  const dir2026 = join(dataDir, 'deribit_chain_snapshots_2026');
  if (existsSync(dir2026)) {
    for (const f of readdirSync(dir2026).sort()) if (f.endsWith('.csv')) files.push(join(dir2026, f));
  }
  return files.filter((f) => existsSync(f));
}

async function guarded(name: string, run: () => FitterCheck | Promise<FitterCheck>): Promise<FitterCheck> {
  try {
    return await run();
  } catch (error) {
    return {
      name,
      pass: false,
      reason: `threw: ${error instanceof Error ? error.message : String(error)}`,
      figures: {},
    };
  }
}

/** Runs every check on the module at `wasmPath`; never throws for a bad module. */
export async function runFitterCheck(
  wasmPath: string,
  options: FitterCheckOptions = {},
): Promise<FitterCheckReport> {
  const started = performance.now();
  const path = resolve(wasmPath);
  const report: FitterCheckReport = {
    wasmPath: path,
    pass: false,
    abiVersion: null,
    fitterId: null,
    checks: [],
    durationMs: 0,
  };
  const finish = () => {
    report.pass = report.checks.length > 0 && report.checks.every((c) => c.pass);
    report.durationMs = performance.now() - started;
    return report;
  };
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    report.checks.push({
      name: 'exports',
      pass: false,
      reason: `cannot read ${path}: ${String(error)}`,
      figures: {},
    });
    return finish();
  }
  const exp = exportsCheck(bytes);
  report.checks.push(exp);
  if (!exp.pass) return finish();
  let core: SviCore;
  try {
    core = await load({ wasmBytes: bytes, label: path });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    report.checks.push({ name: 'abi-version', pass: false, reason, figures: { expected: ABI_VERSION } });
    return finish();
  }
  const info = core.moduleInfo();
  report.abiVersion = info.abiVersion;
  report.fitterId = info.fitterId;
  report.checks.push({
    name: 'abi-version',
    pass: true,
    reason: `ABI ${info.abiVersion}, fitter id "${info.fitterId}"`,
    figures: { abiVersion: info.abiVersion },
  });
  let reference: SviCore | null = null;
  try {
    reference = await load({ wasmPath: options.referenceWasm ?? DEFAULT_REFERENCE });
  } catch {
    reference = null; // not built: the speed checks fall back to absolute floors
  }
  report.checks.push(await guarded('reference-vectors', () => vectorsCheck(core)));
  report.checks.push(await guarded('iv-round-trip', () => ivRoundTripCheck(core)));
  report.checks.push(await guarded('butterfly-generated', () => syntheticFitCheck(core)));
  const files = chainFiles(options.dataDir ?? DEFAULT_DATA_DIR);
  report.checks.push(await guarded('butterfly-real', () => realSliceCheck(core, files)));
  report.checks.push(await guarded('speed-iv', () => ivSpeedCheck(core, reference, options.minIvsPerSecond)));
  report.checks.push(await guarded('speed-fit', () => fitSpeedCheck(core, reference, options.maxFitMicros)));
  return finish();
}

function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) < 1e-3 ? value.toExponential(2) : value.toPrecision(4);
}

/** Human-readable report: one line per check, then the verdict. */
export function formatFitterCheckReport(report: FitterCheckReport): string {
  const lines = [
    `fitter-check ${report.wasmPath}`,
    `  fitter id: ${report.fitterId ?? 'n/a'}   ABI version: ${report.abiVersion ?? 'n/a'} (expected ${ABI_VERSION})`,
  ];
  for (const c of report.checks) {
    const figures = Object.entries(c.figures)
      .map(([k, v]) => `${k}=${formatFigure(v)}`)
      .join(' ');
    lines.push(
      `  ${c.pass ? 'PASS' : 'FAIL'} ${c.name.padEnd(20)} ${c.reason}${figures === '' ? '' : `  [${figures}]`}`,
    );
  }
  const failed = report.checks.filter((c) => !c.pass).length;
  lines.push(
    report.pass
      ? `ACCEPTABLE: all ${report.checks.length} checks passed in ${(report.durationMs / 1000).toFixed(1)} s`
      : `NOT ACCEPTABLE: ${failed} of ${report.checks.length} checks failed`,
  );
  return lines.join('\n');
}
