/**
 * The surface as a canvas heatmap: rows are expiries (days to expiry, nearest at the top), columns
 * are moneyness k = ln(K/F); colour is the SVI vol. The colour scale only widens, like the axes.
 */
import { WideningRange } from './frame-scheduler.ts';
import type { HeatmapView } from './view-model.ts';

/** Dark blue → teal → yellow → red, by vol rank within the current scale. */
function colour(t: number): string {
  const stops: [number, number, number][] = [
    [30, 40, 110],
    [0, 150, 160],
    [250, 220, 60],
    [230, 60, 50],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i] ?? [0, 0, 0];
  const b = stops[i + 1] ?? a;
  const mix = (j: 0 | 1 | 2): number => Math.round(a[j] + (b[j] - a[j]) * f);
  return `rgb(${mix(0)},${mix(1)},${mix(2)})`;
}

export class Heatmap {
  private readonly scale = new WideningRange(0);
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('Expected a 2d canvas context, was null');
    this.ctx = ctx;
  }

  resetRanges(): void {
    this.scale.reset();
  }

  draw(view: HeatmapView, asOfMs: number): void {
    const { ctx, canvas } = this;
    // Draw at the displayed size (CSS stretches the canvas; a mismatch would blur the text).
    if (canvas.clientWidth > 0 && canvas.width !== canvas.clientWidth) canvas.width = canvas.clientWidth;
    const left = 56;
    const bottom = 22;
    const right = 70;
    const w = canvas.width - left - right;
    const h = canvas.height - bottom;
    ctx.fillStyle = '#151922';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const range = this.scale.include(view.vols.flat());
    let cells = 0;
    if (range !== undefined && view.days.length > 0) {
      const [lo, hi] = range;
      const rowH = h / view.days.length;
      const colW = w / view.ks.length;
      view.vols.forEach((row, r) => {
        row.forEach((v, c) => {
          if (v === null) return;
          ctx.fillStyle = colour((v - lo) / (hi - lo || 1));
          ctx.fillRect(left + c * colW, r * rowH, Math.ceil(colW), Math.ceil(rowH));
          cells += 1;
        });
      });
      ctx.fillStyle = '#9aa4b2';
      ctx.font = '11px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      const every = Math.max(1, Math.ceil(view.days.length / Math.max(1, Math.floor(h / 14))));
      view.days.forEach((d, r) => {
        if (r % every === 0) ctx.fillText(`${d < 1 ? d.toFixed(2) : d.toFixed(0)}d`, 4, r * rowH + rowH / 2);
      });
      ctx.textBaseline = 'top';
      for (const k of [-0.5, -0.25, 0, 0.25, 0.5]) {
        const x = left + ((k - (view.ks[0] ?? 0)) / ((view.ks.at(-1) ?? 1) - (view.ks[0] ?? 0))) * w;
        ctx.fillText(k.toFixed(2), x - 10, h + 5);
      }
      // Colour legend.
      for (let i = 0; i < h; i += 2) {
        ctx.fillStyle = colour(1 - i / h);
        ctx.fillRect(left + w + 8, i, 12, 2);
      }
      ctx.fillStyle = '#9aa4b2';
      ctx.fillText(`${(hi * 100).toFixed(0)}%`, left + w + 24, 0);
      ctx.fillText(`${(lo * 100).toFixed(0)}%`, left + w + 24, h - 12);
    }
    canvas.dataset.cells = String(cells);
    canvas.dataset.asOf = String(asOfMs);
  }
}
