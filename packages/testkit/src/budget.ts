/**
 * One generous deadline shared by the phases of a long end-to-end test (start a child process, wait
 * for data, wait for the store, …). On a loaded CI machine any single phase can take most of a
 * minute, so a tight deadline per phase is a flake; a shared budget fails only when the whole test
 * is truly stuck, and still says which phase it was stuck in. Each finished phase is reported as a
 * TAP diagnostic (elapsed and budget used), so the durations of a slow CI run are in its log.
 */

/** What a `node:test` TestContext offers that the budget uses. */
export interface DiagnosticSink {
  diagnostic(message: string): void;
}

export class Budget {
  private readonly started = Date.now();
  private last = this.started;
  private readonly pending: string[] = [];

  /**
   * @param totalMs the whole budget; keep it below the runner's timeout (300 s per test and per
   *   file in scripts/run-tests.mjs) so the budget, not the runner, reports a stuck phase.
   * @param sink where phase durations go (a test's context); without one (a budget started at file
   *   level, or in a hook, whose context has no diagnostic() in Node 20) they wait for attach().
   */
  constructor(
    readonly totalMs: number,
    private sink?: DiagnosticSink,
  ) {}

  /** Reports the phases so far, and the later ones, through `sink` (a test's context). */
  attach(sink: DiagnosticSink): void {
    this.sink = sink;
    for (const line of this.pending.splice(0)) sink.diagnostic(line);
  }

  /** What is left of the budget, at least `floorMs` so a late phase still gets a real try. */
  left(floorMs = 1_000): number {
    return Math.max(floorMs, this.started + this.totalMs - Date.now());
  }

  /** Milliseconds since the budget started. */
  elapsed(): number {
    return Date.now() - this.started;
  }

  /** Marks the end of a phase: reports its duration and the budget used so far. */
  done(phase: string): void {
    const now = Date.now();
    const line = `${phase}: ${now - this.last} ms (${now - this.started} of ${this.totalMs} ms budget)`;
    this.last = now;
    if (this.sink === undefined) this.pending.push(line);
    else this.sink.diagnostic(line);
  }
}

/**
 * Polls `probe` until `ok` holds or `timeoutMs` passes (then rejects naming `what` and the last
 * value). A probe that throws (a server not up yet) counts as not ok.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = last === undefined ? `last error: ${String(lastError)}` : `last: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${seen}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
