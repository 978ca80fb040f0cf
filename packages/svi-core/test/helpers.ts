// Paths shared by the svi-core tests. The tests exercise the BUILT modules: run
// `bash quant-core/build-wasm.sh` (or `make wasm`) first.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_WASM = fileURLToPath(new URL('../pkg/svi_core_bg.wasm', import.meta.url));
export const ALT_WASM = fileURLToPath(new URL('../pkg/test-fitters/alt_fitter.wasm', import.meta.url));
const REPO_ROOT = process.env.VOLSTREAM_ROOT ?? fileURLToPath(new URL('../../../', import.meta.url));
/** The recorded exchange data beside the checkout (never copied into the repo). */
export const DATA_DIR = resolve(REPO_ROOT, '../shared/data');

export const CHAIN_2020 = resolve(DATA_DIR, 'deribit_chain_snapshot_2020-05-21/options_data.csv');
export const CHAINS_2026 = [
  resolve(DATA_DIR, 'deribit_chain_snapshots_2026/deribit_options_snapshot_20260101T091835Z.csv'),
  resolve(DATA_DIR, 'deribit_chain_snapshots_2026/deribit_options_snapshot_20260301T092218Z.csv'),
];

for (const path of [DEFAULT_WASM, ALT_WASM]) {
  if (!existsSync(path))
    throw new Error(`Expected the built module at ${path}: run bash quant-core/build-wasm.sh first`);
}
