// Spawns `volstream run` (bin/volstream.mjs) as a user would and finds its gateway URL in the log
// (the gateway component's start line: "gateway on http://127.0.0.1:PORT (…)").
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Run {
  readonly child: ChildProcess;
  /** Gateway base URL, e.g. http://127.0.0.1:39499 */
  readonly url: string;
  stderr(): string;
  /** SIGTERM, wait for the exit (SIGKILL after 30 s: a loaded machine closes the store slowly), remove the data dir. */
  stop(): Promise<number | null>;
}

/**
 * `volstream run --source sim --port 0 --data-dir <tmp> --for <maxFor> …extra`. `--for` is a safety
 * net: a test that dies without stop() does not leave a run behind for long; it outlasts the
 * runner's 300 s per-test limit so it never ends a run a slow test still uses. The start-up
 * deadline is generous: under CI load the compute threads compiling through tsx took over 60 s
 * before the gateway line once (the gateway starts after them).
 */
export async function startRun(
  extra: readonly string[],
  maxFor = '320s',
  startTimeoutMs = 180_000,
): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'volstream-dashboard-e2e-'));
  const child = spawn(
    process.execPath,
    [
      'bin/volstream.mjs',
      'run',
      '--source',
      'sim',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--for',
      maxFor,
      ...extra,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  // A run that never printed its gateway line is killed and its data dir removed: left alive, it
  // would hold the test file open (its stderr pipe) until the runner's per-file timeout.
  const abandon = async (error: unknown): Promise<never> => {
    child.kill('SIGKILL');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no gateway line after ${startTimeoutMs} ms:\n${stderr.slice(-3000)}`)),
      startTimeoutMs,
    );
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /gateway on (http:\/\/[\d.]+:\d+)/.exec(stderr);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`volstream run exited (${code}) before its gateway started:\n${stderr.slice(-3000)}`));
    });
  }).catch(abandon);
  return {
    child,
    url,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(kill);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
