// Swapping the fitter module: the second module built from the same crate with
// `--cfg fitter_variant` (another fitter id and fit options) is loaded through init({ wasmPath })
// and through FITTER_WASM in a child process; the same calls work and moduleInfo() says which.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { fitSviSlice, impliedVol, init, initSync, isInitialised, load, moduleInfo } from 'svi-core';
import { syntheticSlices } from '../src/workload.ts';
import { ALT_WASM, DEFAULT_WASM } from './helpers.ts';

const ROOT = new URL('../../../', import.meta.url);

/** Runs a snippet in a fresh Node process with `env`; returns its parsed JSON output. */
function child(code: string, env: Record<string, string | undefined>): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

const SNIPPET = `
import { init, moduleInfo, impliedVol, fitSviSlice } from 'svi-core';
await init();
const k = Float64Array.from({ length: 21 }, (_, i) => -0.5 + i * 0.05);
const w = k.map((x) => 0.04 + 0.1 * (-0.3 * x + Math.sqrt(x * x + 0.01)));
const fit = fitSviSlice({ k, w, time: 0.25 });
console.log(JSON.stringify({ ...moduleInfo(), iv: impliedVol(5.637197779701664, 100, 100, 0.5, true), status: fit.status, free: fit.butterflyFree }));
`;

describe('swapping the fitter module', () => {
  it('calling before init throws the documented error', () => {
    assert.equal(isInitialised(), false);
    assert.throws(
      () => impliedVol(1, 100, 100, 1, true),
      (e: unknown) =>
        (e as { code?: string }).code === 'QUANT_NOT_INITIALISED' &&
        (e as Error).message === 'svi-core is not initialised: call await init() first',
    );
  });

  it('init({ wasmPath }) switches between two separate .wasm files and the same calls work', async () => {
    assert.notDeepEqual(readFileSync(DEFAULT_WASM), readFileSync(ALT_WASM));
    const slice = syntheticSlices(1, 30, 0.002, 99)[0]!;
    const results = [];
    for (const path of [DEFAULT_WASM, ALT_WASM]) {
      await init({ wasmPath: path });
      const info = moduleInfo();
      assert.equal(info.path, path);
      assert.equal(info.abiVersion, 1);
      const fit = fitSviSlice(slice);
      assert.equal(fit.status, 'ok');
      assert.equal(fit.butterflyFree, true);
      assert.ok(Math.abs(impliedVol(5.637197779701664, 100, 100, 0.5, true) - 0.2) < 1e-12);
      results.push({ id: info.fitterId, fit });
    }
    assert.equal(results[0]!.id, 'volstream-quant-core/qe-svi-1');
    assert.equal(results[1]!.id, 'volstream-quant-core/qe-svi-1+variant');
    // Different fitters, same smile: fitted vols agree to well within the 0.2-vol-point noise.
    assert.ok(Math.abs(results[0]!.fit.rmseVol - results[1]!.fit.rmseVol) < 0.1);
  });

  it('FITTER_WASM picks the module in a child process; without it the default loads', () => {
    const alt = child(SNIPPET, { FITTER_WASM: ALT_WASM });
    assert.equal(alt.fitterId, 'volstream-quant-core/qe-svi-1+variant');
    assert.equal(alt.path, ALT_WASM);
    assert.equal(alt.status, 'ok');
    assert.equal(alt.free, true);
    assert.ok(Math.abs((alt.iv as number) - 0.2) < 1e-12);
    const def = child(SNIPPET, { FITTER_WASM: undefined });
    assert.equal(def.fitterId, 'volstream-quant-core/qe-svi-1');
    assert.equal(def.path, DEFAULT_WASM);
  });

  it('an explicit wasmPath wins over FITTER_WASM, and a bad FITTER_WASM fails init clearly', () => {
    const explicit = child(
      SNIPPET.replace('await init();', `await init({ wasmPath: ${JSON.stringify(DEFAULT_WASM)} });`),
      {
        FITTER_WASM: ALT_WASM,
      },
    );
    assert.equal(explicit.fitterId, 'volstream-quant-core/qe-svi-1');
    assert.throws(
      () => child(SNIPPET, { FITTER_WASM: '/nonexistent/fitter.wasm' }),
      /Expected a readable \.wasm file/,
    );
  });

  it('the loader also takes bytes or a URL (the browser path) and instances are independent', async () => {
    const fromBytes = await load({ wasmBytes: readFileSync(ALT_WASM), label: 'alt-bytes' });
    const fromUrl = await load({ wasmUrl: pathToFileURL(DEFAULT_WASM) });
    assert.equal(fromBytes.moduleInfo().path, 'alt-bytes');
    assert.equal(fromBytes.moduleInfo().fitterId, 'volstream-quant-core/qe-svi-1+variant');
    assert.equal(fromUrl.moduleInfo().fitterId, 'volstream-quant-core/qe-svi-1');
    assert.equal(fromBytes.black76(100, 100, 0.5, 0.2, true), fromUrl.black76(100, 100, 0.5, 0.2, true));
  });

  it('initSync takes bytes (a worker that already holds them) and replaces the module', () => {
    initSync(readFileSync(ALT_WASM), 'alt-sync');
    assert.equal(moduleInfo().path, 'alt-sync');
    assert.equal(moduleInfo().fitterId, 'volstream-quant-core/qe-svi-1+variant');
    assert.ok(Math.abs(impliedVol(5.637197779701664, 100, 100, 0.5, true) - 0.2) < 1e-12);
  });

  it('the batch path reuses its wasm buffers: same pointers and memory after the first call', async () => {
    const core = await load({ wasmPath: DEFAULT_WASM });
    const n = 10_000;
    const input = {
      price: new Float64Array(n).fill(5.637197779701664),
      forward: new Float64Array(n).fill(100),
      strike: new Float64Array(n).fill(100),
      time: new Float64Array(n).fill(0.5),
      isCall: new Uint8Array(n).fill(1),
    };
    // White-box: the arena is internal, read here only to prove there is no per-call allocation.
    const inner = core as unknown as {
      arena: { slots: Array<{ ptr: number } | undefined> };
      exports: { memory: { buffer: ArrayBuffer } };
    };
    core.impliedVols(input);
    const pointers = inner.arena.slots.map((s) => s?.ptr);
    const bytes = inner.exports.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) core.impliedVols(input);
    core.impliedVols({
      ...input,
      price: input.price.subarray(0, 10),
      forward: input.forward.subarray(0, 10),
      strike: input.strike.subarray(0, 10),
      time: input.time.subarray(0, 10),
      isCall: input.isCall.subarray(0, 10),
    });
    assert.deepEqual(
      inner.arena.slots.map((s) => s?.ptr),
      pointers,
    );
    assert.equal(inner.exports.memory.buffer.byteLength, bytes);
  });
});
