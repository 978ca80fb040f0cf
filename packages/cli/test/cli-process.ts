import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Repository root and the CLI entry, as a user runs it: `node bin/volstream.mjs …`. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../../bin/volstream.mjs', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRun {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  /** Resolves once stderr contains `pattern` (e.g. a log line), rejects if the process ends first. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Everything written to stderr so far. */
  stderr(): string;
}

/** Spawns the CLI with a clean environment (no VOLSTREAM_* leaking in from the developer's shell). */
export function startCli(args: readonly string[], env: Record<string, string> = {}): CliRun {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !key.startsWith('VOLSTREAM_') &&
      key !== 'LOG_LEVEL' &&
      key !== 'FITTER_WASM'
    ) {
      base[key] = value;
    }
  }
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const check of waiters) check();
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      for (const check of waiters) check();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const waitForStderr = (pattern: RegExp, timeoutMs = 20_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${pattern} on stderr; got:\n${stderr}`));
      }, timeoutMs);
      const check = (): void => {
        if (pattern.test(stderr)) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          waiters.delete(check);
          reject(new Error(`CLI exited before ${pattern} appeared; stderr:\n${stderr}`));
        }
      };
      waiters.add(check);
      check();
    });
  return { child, done, waitForStderr, stderr: () => stderr };
}

export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

/** Parses the JSON log lines of stderr (non-JSON lines are skipped). */
export function logLines(stderr: string): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial line at exit; not a log record
    }
  }
  return lines;
}

/**
 * The port a gateway started with `--port 0` bound, from its JSON 'gateway listening' log line. Tests
 * let the kernel pick the port at bind time: a port probed free beforehand may be taken by then.
 */
export function listeningPort(stderr: string): number {
  const line = logLines(stderr).find((l) => l.msg === 'gateway listening');
  const port = Number(line?.port);
  assert.ok(port > 0, `no port in the 'gateway listening' line; stderr:\n${stderr.slice(-2000)}`);
  return port;
}
