// Runs `volstream` (bin/volstream.mjs) as a child process and collects its output.
import { type ChildProcess, spawn } from 'node:child_process';

export const ROOT = new URL('../../../', import.meta.url).pathname;

export interface Cli {
  readonly child: ChildProcess;
  stderr(): string;
  /** Resolves with the first stderr match of `re` (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  readonly done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    stdout: string;
  }>;
}

export function startCli(args: readonly string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['bin/volstream.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  const watchers: (() => void)[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...watchers]) w();
  });
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    stdout: string;
  }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stderr, stdout })));
  return {
    child,
    stderr: () => stderr,
    done,
    waitFor(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = re.exec(stderr);
          if (m === null) return false;
          watchers.splice(watchers.indexOf(check), 1);
          clearTimeout(timer);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          watchers.splice(watchers.indexOf(check), 1);
          reject(new Error(`timed out waiting for ${re}; stderr:\n${stderr.slice(-4000)}`));
        }, timeoutMs);
        if (!check()) watchers.push(check);
      });
    },
  };
}

/** JSON log lines of a stderr transcript (other lines skipped). */
export function logLines(stderr: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial line at the end of the transcript
    }
  }
  return out;
}
