#!/usr/bin/env node
// Runs every TypeScript test file of every workspace with node's test runner (through tsx).
// Usage: node scripts/run-tests.mjs [substring ...]  (only files whose path contains one of them)
import { spawnSync } from 'node:child_process';
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
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...selected],
  { cwd: root, stdio: 'inherit', env: { ...process.env, VOLSTREAM_ROOT: root } },
);
process.exit(result.status ?? 1);
