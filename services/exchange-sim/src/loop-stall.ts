/**
 * How late a simulator's periodic loop ran: the time the process did not run. A simulator shares
 * its machine (in tests, its very event loop) with its clients; when the process is starved (a
 * loaded 2-core CI machine, a long GC pause) a client cannot answer a heartbeat and the simulator
 * cannot read an answer already sent, yet the wall clock runs on. So liveness deadlines (Deribit's
 * `test_request`, Bybit's ping timeout, Binance's pong timeout) are moved by this lateness: they
 * count only time both sides could run. A client that never answers is still closed, after the
 * same amount of running time.
 */
export class LoopStall {
  #lastRunAt: number | undefined;

  /** `periodMs`: the loop's interval. */
  constructor(private readonly periodMs: number) {}

  /** Called once per run of the loop: ms it ran later than its period since the previous run. */
  late(wallMs = Date.now()): number {
    const last = this.#lastRunAt;
    this.#lastRunAt = wallMs;
    return last === undefined ? 0 : Math.max(0, wallMs - last - this.periodMs);
  }
}
