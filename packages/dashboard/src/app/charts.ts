/**
 * uPlot charts (https://github.com/leeoniya/uPlot): the smile (bid/ask bars, mids, SVI curve, the
 * venue's mark IVs) and
 * generic line charts (term structure, RR/BF). Axis ranges only widen (WideningRange) and series
 * order never changes, so live updates do not make the charts jump. Each container carries
 * `data-points` (points drawn) and `data-as-of` for end-to-end tests.
 */
import uPlot from 'uplot';
import { WideningRange } from './frame-scheduler.ts';
import { venueColour } from './venues.ts';
import type { SmileView, TermPoint } from './view-model.ts';

const AXIS = { stroke: '#9aa4b2', grid: { stroke: '#2a2f3a', width: 1 }, ticks: { stroke: '#2a2f3a' } };
/** Vol axis labels in percent; one decimal when the span is small (RR/BF are a few vol points). */
const pct = (_u: uPlot, splits: number[]): string[] => {
  const span = Math.abs((splits.at(-1) ?? 0) - (splits[0] ?? 0));
  return splits.map((v) => `${(v * 100).toFixed(span < 0.1 ? 1 : 0)}%`);
};

function points(stroke: string, size: number): uPlot.Series {
  return {
    stroke,
    width: 0,
    paths: () => null,
    points: { show: true, size, stroke, fill: stroke },
  };
}

export class SmileChart {
  private readonly plot: uPlot;
  private readonly x = new WideningRange(0.02);
  private readonly y = new WideningRange(0.08);
  private view: SmileView | undefined;
  /** Bars in each quote's venue colour (the composite smile) instead of in-fit/outside colours. */
  private byVenue = false;

  constructor(
    private readonly el: HTMLElement,
    width: number,
    height: number,
  ) {
    this.plot = new uPlot(
      {
        width,
        height,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false, range: (_u, min, max) => this.x.range() ?? [min, max] },
          y: { range: (_u, min, max) => this.y.range() ?? [min, max] },
        },
        axes: [
          { ...AXIS, label: 'k = ln(K/F)' },
          { ...AXIS, values: pct, size: 60, space: 20 },
        ],
        // Drawn in this order: outside-fit mids under the in-fit ones (a put and a call can share
        // a strike), the fitted curve on top.
        series: [
          { label: 'k' },
          { label: 'mid (outside fit)', ...points('#ff5252', 6) },
          { label: 'mid (in fit)', ...points('#f5f5f5', 6) },
          { label: 'SVI fit', stroke: '#4fc3f7', width: 2, spanGaps: true, points: { show: false } },
          { label: "venue's mark IV", ...points('#90a4ae', 4) },
        ],
        hooks: { draw: [(u) => this.drawBars(u)] },
      },
      [[], [], [], [], []],
      el,
    );
  }

  /** Forget the ranges (the selection changed: another expiry's smile has other spans). */
  resetRanges(): void {
    this.x.reset();
    this.y.reset();
  }

  update(view: SmileView, asOfMs: number, byVenue = false): void {
    this.view = view;
    this.byVenue = byVenue;
    const quoteKs = view.quotes.map((q) => q.k);
    const xs = [...new Set([...view.curve.k, ...quoteKs])].sort((a, b) => a - b);
    const curve = new Map(view.curve.k.map((k, i) => [k, view.curve.iv[i] ?? null]));
    const inFit = new Map(view.quotes.filter((q) => q.inFit).map((q) => [q.k, q.mid]));
    const outFit = new Map(view.quotes.filter((q) => !q.inFit).map((q) => [q.k, q.mid]));
    const marks = new Map(view.quotes.filter((q) => q.mark !== null).map((q) => [q.k, q.mark]));
    // The x range follows the quotes (the curve spans a fixed wide k range beyond them).
    this.x.include(quoteKs.length > 0 ? quoteKs : view.curve.k);
    this.y.include(view.quotes.flatMap((q) => [q.bid, q.ask, q.mid, q.mark]));
    const [lo, hi] = this.x.range() ?? [-1, 1];
    this.y.include(
      view.curve.iv.filter((_v, i) => (view.curve.k[i] ?? 0) >= lo && (view.curve.k[i] ?? 0) <= hi),
    );
    this.plot.setData([
      xs,
      xs.map((k) => outFit.get(k) ?? null),
      xs.map((k) => inFit.get(k) ?? null),
      xs.map((k) => curve.get(k) ?? null),
      xs.map((k) => marks.get(k) ?? null),
    ] as uPlot.AlignedData);
    this.el.dataset.points = String(view.quotes.length);
    this.el.dataset.curvePoints = String(view.curve.iv.filter((v) => v !== null).length);
    this.el.dataset.outsideFit = String(view.quotes.filter((q) => !q.inFit).length);
    this.el.dataset.markPoints = String(marks.size);
    this.el.dataset.venues = [...new Set(view.quotes.map((q) => q.venue))].sort().join(',');
    this.el.dataset.byVenue = String(byVenue);
    this.el.dataset.asOf = String(asOfMs);
  }

  resize(width: number, height: number): void {
    this.plot.setSize({ width, height });
  }

  /**
   * Bid/ask IV as vertical segments, drawn under the points; outside-fit quotes in red. By venue
   * (composite smile): each venue's colour, outside-fit bars dashed and faint (their mids stay red).
   */
  private drawBars(u: uPlot): void {
    const view = this.view;
    if (view === undefined) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.lineWidth = 2 * devicePixelRatio;
    const dash = [3 * devicePixelRatio, 3 * devicePixelRatio];
    // Outside-fit bars first, so a shared strike shows the in-fit quote's bar on top.
    const ordered = [...view.quotes.filter((q) => !q.inFit), ...view.quotes.filter((q) => q.inFit)];
    for (const q of ordered) {
      if (q.bid === null || q.ask === null) continue;
      const x = u.valToPos(q.k, 'x', true);
      if (this.byVenue) {
        ctx.strokeStyle = venueColour(q.venue);
        ctx.globalAlpha = q.inFit ? 0.85 : 0.45;
        ctx.setLineDash(q.inFit ? [] : dash);
      } else ctx.strokeStyle = q.inFit ? 'rgba(255, 202, 40, 0.8)' : 'rgba(255, 82, 82, 0.8)';
      ctx.beginPath();
      ctx.moveTo(x, u.valToPos(q.bid, 'y', true));
      ctx.lineTo(x, u.valToPos(q.ask, 'y', true));
      ctx.stroke();
    }
    ctx.restore();
  }
}

export interface LineSpec {
  label: string;
  stroke: string;
  pick: (p: TermPoint) => number | null;
  dash?: number[];
}

/** Line chart over days to expiry (or tenor days): term structure and RR/BF panels. */
export class TermChart {
  private readonly plot: uPlot;
  private readonly x = new WideningRange(0.03);
  private readonly y = new WideningRange(0.1);

  constructor(
    private readonly el: HTMLElement,
    private readonly lines: readonly LineSpec[],
    width: number,
    height: number,
    xLabel: string,
  ) {
    this.plot = new uPlot(
      {
        width,
        height,
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false, range: (_u, min, max) => this.x.range() ?? [min, max] },
          y: { range: (_u, min, max) => this.y.range() ?? [min, max] },
        },
        axes: [
          { ...AXIS, ...(xLabel === '' ? {} : { label: xLabel }) },
          { ...AXIS, values: pct, size: 60, space: 20 },
        ],
        series: [
          { label: 'days' },
          ...lines.map((l) => ({
            label: l.label,
            stroke: l.stroke,
            width: 2,
            spanGaps: true,
            points: { show: true, size: 5 },
            ...(l.dash === undefined ? {} : { dash: l.dash }),
          })),
        ],
      },
      [[], ...lines.map(() => [])] as uPlot.AlignedData,
      el,
    );
  }

  resetRanges(): void {
    this.x.reset();
    this.y.reset();
  }

  update(points: readonly TermPoint[], asOfMs: number): void {
    const xs = points.map((p) => p.days);
    const ys = this.lines.map((l) => points.map((p) => l.pick(p)));
    this.x.include(xs);
    for (const y of ys) this.y.include(y);
    this.plot.setData([xs, ...ys] as uPlot.AlignedData);
    this.el.dataset.points = String(ys.reduce((n, y) => n + y.filter((v) => v !== null).length, 0));
    this.el.dataset.asOf = String(asOfMs);
  }

  resize(width: number, height: number): void {
    this.plot.setSize({ width, height });
  }
}
