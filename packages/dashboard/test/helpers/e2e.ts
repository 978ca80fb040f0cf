// The set-up both browser e2e files share: one `volstream run` and one Chromium per file, started
// together in before() and closed in after(), under one budget for the whole file.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { Budget } from '@volstream/testkit';
import { type Browser, openBrowser } from './browser.ts';
import { type Run, startRun } from './run-cli.ts';

/**
 * The whole file's budget: start-up and every wait on data share it. The runner's 300 s timeout
 * applies to each test FILE as well as each test, so a file with a stuck phase must fail on its own
 * first, leaving room for after() (browser close, the run's SIGTERM, SIGKILL after 30 s). Measured
 * under heavy load (load average 20-30 on the 2 cores): run start-up 52-60+ s, first fuller surface
 * 23 s, first stored history point 44 s, run stop 25 s.
 */
export const FILE_BUDGET_MS = 220_000;

export interface RunAndBrowser {
  readonly run: Run;
  readonly browser: Browser;
  readonly budget: Budget;
}

/**
 * Registers before()/after() hooks in the calling describe: `volstream run --source sim …extra` and
 * Chromium start at once; whichever started is closed even if the other failed. The returned getter
 * gives both to the test (and fails it if the set-up did not complete).
 */
export function useRunAndBrowser(extra: readonly string[]): () => RunAndBrowser {
  // Started at import time of the file, so the budget counts the file's own start-up too.
  const budget = new Budget(FILE_BUDGET_MS);
  let run: Run | undefined;
  let browser: Browser | undefined;

  before(async () => {
    const [r, b] = await Promise.allSettled([startRun(extra, undefined, budget.left()), openBrowser()]);
    if (r.status === 'fulfilled') run = r.value;
    if (b.status === 'fulfilled') browser = b.value;
    if (r.status === 'rejected') throw r.reason;
    if (b.status === 'rejected') throw b.reason;
    budget.done('run started (gateway line) and Chromium open');
  });

  after(async () => {
    await browser?.close();
    // The exit code on SIGTERM is packages/cli's test; here the run only has to go away.
    await run?.stop();
  });

  return () => {
    assert.ok(run !== undefined && browser !== undefined, 'the run and the browser started');
    return { run, browser, budget };
  };
}
