// svi-core: loader and module-level API for the volstream quant core (Rust -> wasm32), laid out
// like wasm-pack output. `init()` loads the default module (or FITTER_WASM, or options.wasmPath);
// `load()` returns an independent instance, which the conformance kit uses to test a module
// without replacing the one the process is using. The ABI is documented in quant-core/ABI.md.

import { ABI_VERSION, missingExports, SviCoreError } from './svi_core_bg.js';
import { SviCore } from './svi_core_surface.js';

export { FIT_OUT_LEN, FIT_STATUSES, GREEKS_FIELDS, IV_REASONS } from './svi_core_api.js';
export { ABI_VERSION, OPTIONAL_EXPORTS, REQUIRED_EXPORTS, SviCoreError } from './svi_core_bg.js';
export { ESSVI_STATUSES, METRICS_FIELDS, SviCore } from './svi_core_surface.js';

const DEFAULT_WASM_URL = new URL('./svi_core_bg.wasm', import.meta.url);
const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;

/** @type {SviCore | null} */
let current = null;

async function readNodeFile(pathOrUrl) {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(pathOrUrl);
  } catch (error) {
    throw new SviCoreError(
      'QUANT_MODULE_INVALID',
      `Expected a readable .wasm file at ${String(pathOrUrl)}`,
      {
        path: String(pathOrUrl),
      },
      error,
    );
  }
}

/** Resolves the options to { bytes | module, path } without instantiating. */
async function resolveSource(options) {
  if (options.module instanceof WebAssembly.Module)
    return { module: options.module, path: options.label ?? 'module' };
  if (options.wasmBytes !== undefined) return { bytes: options.wasmBytes, path: options.label ?? 'bytes' };
  const envPath = isNode ? process.env.FITTER_WASM : undefined;
  const path = options.wasmPath ?? (envPath !== undefined && envPath !== '' ? envPath : undefined);
  if (path !== undefined) {
    if (!isNode)
      throw new SviCoreError(
        'QUANT_MODULE_INVALID',
        'Expected wasmUrl or wasmBytes in a browser, was wasmPath',
      );
    const { resolve } = await import('node:path');
    const abs = resolve(path);
    return { bytes: await readNodeFile(abs), path: abs };
  }
  const url =
    options.wasmUrl === undefined ? DEFAULT_WASM_URL : new URL(String(options.wasmUrl), DEFAULT_WASM_URL);
  if (url.protocol === 'file:' && isNode) {
    const { fileURLToPath } = await import('node:url');
    const abs = fileURLToPath(url);
    return { bytes: await readNodeFile(abs), path: abs };
  }
  const response = await fetch(url);
  if (!response.ok) {
    throw new SviCoreError(
      'QUANT_MODULE_INVALID',
      `Expected HTTP 200 for ${url.href}, was ${response.status}`,
    );
  }
  return { bytes: new Uint8Array(await response.arrayBuffer()), path: url.href };
}

/** Checks exports and ABI version; returns the ready SviCore. */
function wrap(instance, path) {
  const missing = missingExports(instance.exports);
  if (missing.length > 0) {
    throw new SviCoreError(
      'QUANT_MODULE_INVALID',
      `Expected ${path} to export ${missing.join(', ')}; it does not`,
      {
        path,
        missing,
      },
    );
  }
  let version;
  try {
    version = instance.exports.vs_abi_version() >>> 0;
  } catch (error) {
    throw new SviCoreError(
      'QUANT_MODULE_INVALID',
      `Expected vs_abi_version() of ${path} to return`,
      { path },
      error,
    );
  }
  if (version !== ABI_VERSION) {
    throw new SviCoreError(
      'QUANT_MODULE_INVALID',
      `Expected ABI version ${ABI_VERSION} from ${path}, was ${version}`,
      {
        path,
        version,
      },
    );
  }
  return new SviCore(instance, { path, abiVersion: version });
}

async function instantiate(source) {
  try {
    if (source.module !== undefined) return await WebAssembly.instantiate(source.module, {});
    const result = await WebAssembly.instantiate(source.bytes, {});
    return result.instance;
  } catch (error) {
    throw new SviCoreError(
      'QUANT_MODULE_INVALID',
      `Expected ${source.path} to be a loadable wasm module`,
      {
        path: source.path,
      },
      error,
    );
  }
}

/** Loads a module and returns an independent instance (does not touch the default one). */
export async function load(options = {}) {
  const source = await resolveSource(options);
  return wrap(await instantiate(source), source.path);
}

/** Loads the default module (or FITTER_WASM, or options.wasmPath) for the module-level functions. */
export async function init(options = {}) {
  current = await load(options);
}

/** Synchronous init from bytes or a compiled module (e.g. in a worker that already holds them). */
export function initSync(source, label = 'bytes') {
  const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  current = wrap(new WebAssembly.Instance(module, {}), label);
}

/** Whether init() has completed. */
export function isInitialised() {
  return current !== null;
}

function core() {
  if (current === null) {
    throw new SviCoreError('QUANT_NOT_INITIALISED', 'svi-core is not initialised: call await init() first');
  }
  return current;
}

export const moduleInfo = () => core().moduleInfo();
export const black76 = (forward, strike, time, vol, isCall) =>
  core().black76(forward, strike, time, vol, isCall);
export const black76s = (input, out) => core().black76s(input, out);
export const impliedVol = (price, forward, strike, time, isCall) =>
  core().impliedVol(price, forward, strike, time, isCall);
export const impliedVols = (input, out) => core().impliedVols(input, out);
export const impliedVolsDetailed = (input) => core().impliedVolsDetailed(input);
export const impliedVolInverse = (coinPrice, forward, strike, time, isCall) =>
  core().impliedVolInverse(coinPrice, forward, strike, time, isCall);
export const impliedVolsInverse = (input, out) => core().impliedVolsInverse(input, out);
export const impliedVolsInverseDetailed = (input) => core().impliedVolsInverseDetailed(input);
export const greeks = (input, options) => core().greeks(input, options);
export const ivUpdateCoinHeld = (input) => core().ivUpdateCoinHeld(input);
export const fitSviSlice = (input) => core().fitSviSlice(input);
export const sviG = (params, k, out) => core().sviG(params, k, out);
export const sviW = (params, k, out) => core().sviW(params, k, out);
export const sviGjRepair = (params, time) => core().sviGjRepair(params, time);
export const checkCalendar = (slices) => core().checkCalendar(slices);
export const repairCalendar = (slices) => core().repairCalendar(slices);
export const fitEssvi = (slices) => core().fitEssvi(slices);
export const surfaceMetrics = (slices, options) => core().surfaceMetrics(slices, options);
export const tenorMetrics = (slices, tenors, options) => core().tenorMetrics(slices, tenors, options);
