/**
 * Display-cadence redraws: stream messages only mark the view dirty; at most `maxFps` renders a
 * second happen, each on an animation frame, however many messages arrived in between. A burst of
 * updates therefore costs one redraw, and a quiet stream costs none.
 */
export interface FrameSchedulerOptions {
  maxFps: number;
  /** requestAnimationFrame in the browser; injectable for tests. */
  requestFrame: (callback: () => void) => unknown;
  /** Monotonic milliseconds (performance.now in the browser). */
  now: () => number;
}

export class FrameScheduler {
  /** Renders performed, and markDirty calls folded into them (for the status line and tests). */
  renders = 0;
  marks = 0;
  private dirty = false;
  private pending = false;
  private lastRender = Number.NEGATIVE_INFINITY;
  private readonly minGapMs: number;

  constructor(
    private readonly render: () => void,
    private readonly options: FrameSchedulerOptions,
  ) {
    this.minGapMs = 1000 / Math.max(1, options.maxFps);
  }

  markDirty(): void {
    this.marks += 1;
    this.dirty = true;
    this.request();
  }

  private request(): void {
    if (this.pending) return;
    this.pending = true;
    this.options.requestFrame(() => this.onFrame());
  }

  private onFrame(): void {
    this.pending = false;
    if (!this.dirty) return;
    // Too soon after the last render: wait for a later frame instead of drawing twice.
    // A 1 ms tolerance keeps a 60 Hz display from skipping every other frame at maxFps = 60.
    if (this.options.now() - this.lastRender < this.minGapMs - 1) {
      this.request();
      return;
    }
    this.dirty = false;
    this.lastRender = this.options.now();
    this.renders += 1;
    this.render();
  }
}

/**
 * An axis range that only ever widens (plus padding), so a chart does not jump when one update
 * has a narrower span than the one before. `reset()` when the selection changes.
 */
export class WideningRange {
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  constructor(private readonly padFraction = 0.05) {}

  /** Widens to include every finite value; returns the padded range, or undefined before data. */
  include(values: Iterable<number | null | undefined>): [number, number] | undefined {
    for (const v of values) {
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
    }
    return this.range();
  }

  range(): [number, number] | undefined {
    if (!(this.hi >= this.lo)) return undefined;
    const span = this.hi - this.lo || Math.abs(this.hi) || 1;
    return [this.lo - span * this.padFraction, this.hi + span * this.padFraction];
  }

  reset(): void {
    this.lo = Number.POSITIVE_INFINITY;
    this.hi = Number.NEGATIVE_INFINITY;
  }
}
