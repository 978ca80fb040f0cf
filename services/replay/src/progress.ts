/**
 * Progress of a long replay on a terminal stream (stderr): a bar redrawn in place when the stream
 * is a TTY, otherwise one plain line every few seconds (logs, CI), plus a last line when done.
 * The ETA extrapolates the events still to read at the rate measured so far.
 */
import type { ReplayProgress } from './replay.ts';

/** What the printer needs of a stream: `process.stderr` or any writable with `write`. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressPrinterOptions {
  /** Least time between two plain lines when the stream is not a TTY (default 5,000 ms). */
  lineEveryMs?: number;
  /** Least time between two redraws of the bar (default 100 ms). */
  redrawEveryMs?: number;
  /** Monotonic clock, ms (tests). */
  now?: () => number;
}

const seconds = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
};

/** One progress snapshot as text (no bar): counts, percent, event time, elapsed, speed, ETA. */
export function progressText(p: ReplayProgress): string {
  const pct = p.totalEvents > 0 ? Math.min(100, (100 * p.events) / p.totalEvents) : 100;
  const at =
    Number.isFinite(p.eventTimeMs) && p.eventTimeMs > 0 ? new Date(p.eventTimeMs).toISOString() : '-';
  const speed = p.speed === undefined ? '' : ` ${p.speed.toFixed(1)}x real time,`;
  return `${p.events}/${p.totalEvents} events (${pct.toFixed(1)}%), event time ${at},${speed} elapsed ${seconds(p.elapsedMs)}, ETA ${seconds(p.etaMs)}`;
}

/**
 * An `onProgress` callback for replay(): on a TTY a bar `[#####.....] 52.0% … ETA 12s` redrawn
 * in place (at most every redrawEveryMs), else a line at most every lineEveryMs; the final call
 * (events = totalEvents) always prints, ending the bar with a newline.
 */
export function progressPrinter(
  stream: ProgressStream,
  options: ProgressPrinterOptions = {},
): (p: ReplayProgress) => void {
  const now = options.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const every = tty ? (options.redrawEveryMs ?? 100) : (options.lineEveryMs ?? 5_000);
  let last = Number.NEGATIVE_INFINITY;
  let done = false;
  return (p) => {
    if (done) return;
    const final = p.events >= p.totalEvents;
    const t = now();
    if (!final && t - last < every) return;
    last = t;
    done = final;
    const text = `replay: ${progressText(p)}`;
    if (!tty) {
      stream.write(`${text}\n`);
      return;
    }
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - text.length - 4));
    const filled =
      p.totalEvents > 0 ? Math.round((width * Math.min(p.events, p.totalEvents)) / p.totalEvents) : width;
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K${final ? '\n' : ''}`);
  };
}
