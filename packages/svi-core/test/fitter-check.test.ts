// The conformance kit: passes the bundled module (and the variant), fails with reasons on a
// truncated file, a module missing exports, and a module reporting another ABI version.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REQUIRED_EXPORTS } from 'svi-core';
import { formatFitterCheckReport, runFitterCheck } from '../src/fitter-check.ts';
import { ALT_WASM, DATA_DIR, DEFAULT_WASM } from './helpers.ts';
import { tinyModule } from './tiny-wasm.ts';

const dir = mkdtempSync(join(tmpdir(), 'fitter-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const byName = (report: Awaited<ReturnType<typeof runFitterCheck>>, name: string) =>
  report.checks.find((c) => c.name === name);

describe('fitter-check conformance kit', () => {
  it('accepts the bundled module: every check passes with figures', async () => {
    const report = await runFitterCheck(DEFAULT_WASM, { dataDir: DATA_DIR });
    const text = formatFitterCheckReport(report);
    console.log(text);
    assert.equal(report.pass, true, text);
    assert.equal(report.abiVersion, 1);
    assert.equal(report.fitterId, 'volstream-quant-core/qe-svi-1');
    const names = report.checks.map((c) => c.name);
    for (const name of [
      'exports',
      'abi-version',
      'reference-vectors',
      'iv-round-trip',
      'butterfly-generated',
      'butterfly-real',
      'speed-iv',
      'speed-fit',
    ]) {
      assert.ok(names.includes(name), `check ${name} ran`);
    }
    assert.ok((byName(report, 'butterfly-real')?.figures.slices ?? 0) >= 40, 'real slices were fitted');
    assert.ok((byName(report, 'speed-iv')?.figures.ivsPerSecond ?? 0) > 0);
    assert.match(text, /ACCEPTABLE: all 8 checks passed/);
  });

  it('accepts the variant fitter too', async () => {
    const report = await runFitterCheck(ALT_WASM, { dataDir: DATA_DIR });
    assert.equal(report.pass, true, formatFitterCheckReport(report));
    assert.equal(report.fitterId, 'volstream-quant-core/qe-svi-1+variant');
  });

  it('rejects a truncated module', async () => {
    const path = write('truncated.wasm', readFileSync(DEFAULT_WASM).subarray(0, 1000));
    const report = await runFitterCheck(path);
    assert.equal(report.pass, false);
    assert.equal(report.checks[0]?.name, 'exports');
    assert.match(report.checks[0]!.reason, /not a valid wasm module/);
    assert.match(formatFitterCheckReport(report), /NOT ACCEPTABLE/);
  });

  it('rejects a module missing exports and names them', async () => {
    const path = write('partial.wasm', tinyModule(['vs_abi_version', 'vs_alloc'], 1));
    const report = await runFitterCheck(path);
    assert.equal(report.pass, false);
    const exp = byName(report, 'exports')!;
    assert.equal(exp.pass, false);
    for (const name of ['vs_free', 'vs_black76', 'vs_implied_vols', 'vs_svi_fit', 'vs_svi_g']) {
      assert.ok(exp.reason.includes(name), exp.reason);
    }
    assert.ok(!exp.reason.includes('vs_alloc'));
    assert.equal(exp.figures.present, 3);
  });

  it('rejects a module with every export but another ABI version', async () => {
    const path = write(
      'v2.wasm',
      tinyModule(
        REQUIRED_EXPORTS.filter((n) => n !== 'memory'),
        2,
      ),
    );
    const report = await runFitterCheck(path);
    assert.equal(report.pass, false);
    assert.equal(byName(report, 'exports')?.pass, true);
    const abi = byName(report, 'abi-version')!;
    assert.equal(abi.pass, false);
    assert.match(abi.reason, /Expected ABI version 1 .* was 2/);
  });

  it('rejects a module whose functions trap, naming the checks, without throwing', async () => {
    const names = REQUIRED_EXPORTS.filter((n) => n !== 'memory');
    const path = write(
      'trap.wasm',
      tinyModule(
        names,
        1,
        true,
        names.filter((n) => n !== 'vs_abi_version'),
      ),
    );
    const report = await runFitterCheck(path);
    assert.equal(report.pass, false);
    assert.equal(byName(report, 'abi-version')?.pass, true);
    for (const name of [
      'reference-vectors',
      'iv-round-trip',
      'butterfly-generated',
      'speed-iv',
      'speed-fit',
    ]) {
      const check = byName(report, name)!;
      assert.equal(check.pass, false, name);
      assert.match(check.reason, /threw|unreachable|trap/i, `${name}: ${check.reason}`);
    }
  });

  it('rejects a missing file without throwing', async () => {
    const report = await runFitterCheck(join(dir, 'nope.wasm'));
    assert.equal(report.pass, false);
    assert.match(report.checks[0]!.reason, /cannot read/);
  });
});
