#!/usr/bin/env node
// Runs every benchmark file (packages/*/bench/*.bench.ts, services/*/bench/*.bench.ts) one after
// the other with `node --import tsx <file>`, collects the JSON lines each prints
// ({"bench","value","unit","baseline","ratio",…}), prints a summary table and writes
// artifacts/bench-results.json with machine facts. A failing bench file does not stop the run:
// it is reported, and the runner exits non-zero at the end.
// Usage: node scripts/run-benches.mjs [substring ...]  (only files whose path contains one of them)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

/** Bench files of one workspace group, sorted for a stable order. */
function benchFiles(group) {
  const files = [];
  const groupDir = join(root, group);
  if (!existsSync(groupDir)) return files;
  for (const pkg of readdirSync(groupDir)) {
    const dir = join(groupDir, pkg, 'bench');
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.bench.ts')) files.push(relative(root, join(dir, name)));
    }
  }
  return files;
}

/** A printed line is a figure when it is a JSON object with a string `bench` and a numeric `value`. */
function parseFigure(line) {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text);
    if (typeof value?.bench === 'string' && typeof value.value === 'number') return value;
  } catch {
    // not JSON: ordinary output of the bench, shown but not collected
  }
  return undefined;
}

/** Runs one bench file, echoing its output live; resolves with its figures and exit status. */
function runBench(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, VOLSTREAM_ROOT: root },
    });
    const figures = [];
    let pending = '';
    const take = (line) => {
      const figure = parseFigure(line);
      if (figure !== undefined) figures.push({ file, ...figure });
      process.stdout.write(`  ${line}\n`);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        take(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    });
    child.on('error', (error) => resolve({ file, status: null, error: error.message, figures, ms: 0 }));
    child.on('close', (status, signal) => {
      if (pending !== '') take(pending);
      resolve({ file, status, signal, figures, ms: Date.now() - started });
    });
  });
}

function formatNumber(value) {
  if (typeof value !== 'number') return value === undefined || value === null ? '' : String(value);
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(4);
}

function table(rows) {
  const header = ['bench', 'value', 'unit', 'baseline', 'ratio', 'file'];
  const cells = rows.map((r) => [
    r.bench,
    formatNumber(r.value),
    r.unit ?? '',
    typeof r.baseline === 'object' && r.baseline !== null
      ? JSON.stringify(r.baseline)
      : formatNumber(r.baseline),
    formatNumber(r.ratio),
    r.file,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (c) =>
    c
      .map((v, i) => String(v).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const files = [...benchFiles('packages'), ...benchFiles('services')].filter(
  (f) => filters.length === 0 || filters.some((s) => f.includes(s)),
);
if (files.length === 0) {
  console.error(`run-benches: no bench file matched ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}

const results = [];
for (const file of files) {
  console.log(`\n# ${file}`);
  results.push(await runBench(file));
}

const figures = results.flatMap((r) => r.figures);
const failed = results.filter((r) => r.status !== 0);
const empty = results.filter((r) => r.status === 0 && r.figures.length === 0);
console.log(`\n${table(figures)}\n`);
for (const r of failed) {
  console.error(
    `run-benches: FAILED ${r.file} (${r.error ?? (r.signal ? `signal ${r.signal}` : `exit ${r.status}`)})`,
  );
}
for (const r of empty) console.error(`run-benches: ${r.file} printed no figure`);

const cpus = os.cpus();
const report = {
  date: new Date().toISOString(),
  command: `node scripts/run-benches.mjs${filters.length > 0 ? ` ${filters.join(' ')}` : ''}`,
  machine: {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
  },
  files: results.map((r) => ({
    file: r.file,
    ok: r.status === 0,
    exitCode: r.status,
    ...(r.signal ? { signal: r.signal } : {}),
    ...(r.error ? { error: r.error } : {}),
    durationMs: r.ms,
    figures: r.figures.length,
  })),
  results: figures,
};
mkdirSync(join(root, 'artifacts'), { recursive: true });
writeFileSync(join(root, 'artifacts', 'bench-results.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `run-benches: ${figures.length} figure(s) from ${files.length} file(s) -> artifacts/bench-results.json`,
);
process.exit(failed.length > 0 ? 1 : 0);
