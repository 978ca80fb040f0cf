#!/usr/bin/env node
// Runs every TypeScript test file of every workspace with node's test runner (through tsx).
// Usage: node scripts/run-tests.mjs [substring ...]  (only files whose path contains one of them)
//
// Files named `*.serial.test.ts` measure timing under load they create themselves (overload,
// CPU saturation): they run after the others, one at a time, so another test file cannot eat the
// cores they depend on. The last line sums both runs: "tests: N passed, N failed, N skipped".
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = [];
for (const group of ['packages', 'services']) {
  for (const pkg of readdirSync(join(root, group))) walk(join(root, group, pkg, 'test'), files);
}
const selected = files
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (selected.length === 0) {
  console.error(`run-tests: no test file matched ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}

const totals = { pass: 0, fail: 0, skipped: 0, cancelled: 0 };

/** Runs node's test runner on `paths`, streaming its output and adding its summary to `totals`. */
function runNodeTests(paths, concurrency) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...paths],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, VOLSTREAM_ROOT: root } },
    );
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      for (const key of Object.keys(totals)) {
        const m = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tail);
        if (m) totals[key] += Number(m[1]);
      }
      resolve(code ?? 1);
    });
  });
}

const parallel = selected.filter((f) => !f.endsWith('.serial.test.ts'));
const serial = selected.filter((f) => f.endsWith('.serial.test.ts'));
let status = 0;
if (parallel.length > 0) status = (await runNodeTests(parallel, 2)) || status;
if (serial.length > 0) status = (await runNodeTests(serial, 1)) || status;
console.log(
  `tests: ${totals.pass} passed, ${totals.fail + totals.cancelled} failed, ${totals.skipped} skipped`,
);
process.exit(status);
