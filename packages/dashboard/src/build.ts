/**
 * Builds the dashboard with esbuild (https://esbuild.github.io/api/): src/app/main.ts → dist/app.js
 * + dist/app.css, and src/app/index.html → dist/index.html. `ensureBuilt()` rebuilds only when dist
 * is missing or older than a source file (a dozen stat calls), once per process at a time.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DASHBOARD_DIST = join(PACKAGE_DIR, 'dist');
const APP_DIR = join(PACKAGE_DIR, 'src', 'app');
const OUTPUTS = ['index.html', 'app.js', 'app.css'] as const;

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** True when some output is missing or older than the newest source file (or package.json). */
export async function isStale(): Promise<boolean> {
  const sources = Math.max(
    await newestMtime(join(PACKAGE_DIR, 'src')),
    (await stat(join(PACKAGE_DIR, 'package.json'))).mtimeMs,
  );
  for (const name of OUTPUTS) {
    try {
      if ((await stat(join(DASHBOARD_DIST, name))).mtimeMs < sources) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/** Bundles the app; each output is written to a temp file and renamed (readers never see half). */
export async function buildDashboard(): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { app: join(APP_DIR, 'main.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    write: false,
    outdir: DASHBOARD_DIST,
    logLevel: 'silent',
    // The client SDK loads `ws` only when the platform has no WebSocket (never in a browser).
    external: ['ws'],
  });
  await mkdir(DASHBOARD_DIST, { recursive: true });
  const files = result.outputFiles.map((f) => ({ path: f.path, bytes: f.contents }));
  files.push({
    path: join(DASHBOARD_DIST, 'index.html'),
    bytes: new Uint8Array(await readFile(join(APP_DIR, 'index.html'))),
  });
  let bytes = 0;
  for (const f of files) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    await writeFile(tmp, f.bytes);
    await rename(tmp, f.path);
    bytes += f.bytes.length;
  }
  return { ms: performance.now() - started, bytes };
}

let inFlight: Promise<boolean> | undefined;

/** Builds when stale; resolves to whether a build ran. Concurrent callers share one build. */
export function ensureBuilt(): Promise<boolean> {
  inFlight ??= (async () => {
    try {
      if (!(await isStale())) return false;
      await buildDashboard();
      return true;
    } finally {
      inFlight = undefined;
    }
  })();
  return inFlight;
}
