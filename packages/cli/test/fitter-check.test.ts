import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli } from './cli-process.ts';

const BUILT_WASM = join(ROOT, 'packages', 'svi-core', 'pkg', 'svi_core_bg.wasm');
const NOT_BUILT = existsSync(BUILT_WASM)
  ? false
  : 'packages/svi-core/pkg/svi_core_bg.wasm is not built; run `bash quant-core/build-wasm.sh` (make test does)';

describe('volstream fitter-check (child process)', () => {
  it('accepts the bundled fitter: prints the report and exits 0', { skip: NOT_BUILT }, async () => {
    const result = await runCli(['fitter-check', BUILT_WASM, '--log-level', 'warn']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /PASS exports/);
    assert.match(result.stdout, /^ACCEPTABLE: all \d+ checks passed/m);
  });

  it('rejects a file that is not a fitter module with exit 1 and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volstream-fitter-check-'));
    try {
      const path = join(dir, 'bogus.wasm');
      writeFileSync(path, 'not a wasm module');
      const result = await runCli(['fitter-check', '--log-level', 'warn'], { FITTER_WASM: path });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /FAIL exports +not a valid wasm module/);
      assert.match(result.stdout, /NOT ACCEPTABLE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a path that does not exist with exit 2', async () => {
    const result = await runCli(['fitter-check', '/nonexistent/fitter.wasm']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /expected WASM to be an existing file, was '\/nonexistent\/fitter\.wasm'/);
  });
});
