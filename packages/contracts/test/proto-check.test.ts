import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

// proto/check.sh is the CI guard of the contracts (make proto-check). These tests run the real script
// (real buf, real protoc-gen-es) on a scratch copy of proto/ and the generated code, so they can
// break the copy without touching the checkout other engineers work in.
const root = new URL('../../../', import.meta.url).pathname;
const scratch: string[] = [];

function scratchRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'volstream-proto-check-'));
  scratch.push(dir);
  cpSync(join(root, 'proto'), join(dir, 'proto'), { recursive: true });
  cpSync(join(root, 'packages/contracts/src/gen'), join(dir, 'packages/contracts/src/gen'), {
    recursive: true,
  });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/**
 * A kill-switch for a hung buf, not a speed limit: under CI load one check.sh or generate.sh run took
 * about 20 s (one third of the old 60 s), so 180 s.
 */
const SCRIPT_TIMEOUT_MS = 180_000;

function runCheck(dir: string): { status: number | null; output: string } {
  const r = spawnSync('bash', [join(dir, 'proto/check.sh')], {
    encoding: 'utf8',
    timeout: SCRIPT_TIMEOUT_MS,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function edit(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(from), `${path} contains ${from}`);
  writeFileSync(path, text.replace(from, to));
}

after(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('proto/check.sh', () => {
  it('passes on the committed schema, baseline and generated code', () => {
    const r = runCheck(scratchRepo());
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /proto-check: OK/);
  });

  it('fails with a clear message when the committed generated code is stale', () => {
    const dir = scratchRepo();
    edit(
      join(dir, 'packages/contracts/src/gen/volstream/v1/header_pb.ts'),
      'receiveTimeNs: bigint;',
      'receiveTimeNs: number;',
    );
    const r = runCheck(dir);
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /packages\/contracts\/src\/gen is stale; run: bash proto\/generate.sh/);
  });

  it('fails buf breaking when a published field is renumbered', () => {
    const dir = scratchRepo();
    edit(join(dir, 'proto/volstream/v1/header.proto'), 'string venue = 3;', 'string venue = 30;');
    const r = runCheck(dir);
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /FAILED buf breaking/);
  });

  it('fails buf lint on a STANDARD-rule violation (enum zero value not *_UNSPECIFIED)', () => {
    const dir = scratchRepo();
    edit(
      join(dir, 'proto/volstream/v1/marketdata.proto'),
      'TRADE_SIDE_UNSPECIFIED = 0;',
      'TRADE_SIDE_NONE = 0;',
    );
    const r = runCheck(dir);
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /FAILED buf lint/);
  });

  it('fails when a .proto file is not in buf format layout', () => {
    const dir = scratchRepo();
    edit(join(dir, 'proto/volstream/v1/smile.proto'), '  double a = 1;', 'double    a = 1;');
    const r = runCheck(dir);
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /FAILED buf format/);
  });

  it('accepts an additive change (new optional field) once the code is regenerated', () => {
    const dir = scratchRepo();
    edit(
      join(dir, 'proto/volstream/v1/marketdata.proto'),
      'string venue_state = 3;',
      'string venue_state = 3;\n  optional int64 effective_time_ms = 4;',
    );
    const gen = spawnSync('bash', [join(dir, 'proto/generate.sh')], {
      encoding: 'utf8',
      timeout: SCRIPT_TIMEOUT_MS,
    });
    assert.equal(gen.status, 0, gen.stderr);
    const r = runCheck(dir);
    assert.equal(r.status, 0, r.output);
  });
});
