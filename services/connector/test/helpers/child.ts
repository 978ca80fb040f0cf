import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ConnectorStats } from '../../src/metrics.ts';

const MAIN = join(new URL('../../src/main.ts', import.meta.url).pathname);
const ROOT = new URL('../../../../', import.meta.url).pathname;

export interface ConnectorChild {
  child: ChildProcess;
  stderr: string[];
  /** Resolves with the exit code and the final stats line main.ts prints on shutdown. */
  exited: Promise<{ code: number | null; final: ConnectorStats | undefined }>;
}

/** The real composition root (src/main.ts) in its own process, as it runs in production. */
export function spawnConnector(args: readonly string[]): ConnectorChild {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  const stderr: string[] = [];
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    stderr.push(...lines);
  });
  const exited = once(child, 'exit').then(([code]) => {
    if (partial !== '') stderr.push(partial);
    const line = [...stderr].reverse().find((l) => l.startsWith('{"final":'));
    const final = line === undefined ? undefined : (JSON.parse(line) as { final: ConnectorStats }).final;
    return { code: code as number | null, final };
  });
  return { child, stderr, exited };
}

/** Busy-loop processes that saturate the CPU (2 cores here). */
export function spawnBusyLoops(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
}
