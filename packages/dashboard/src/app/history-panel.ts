/**
 * History charts (uPlot, https://github.com/leeoniya/uPlot): ATM 30d and RR25 30d over a
 * selectable look-back, for the selected currency and venue/composite, from `/v1/history`
 * (history.ts shapes the data). Refreshed every 10 s and when the selection changes; requests never
 * overlap (a slow store is not queued up). A missing store shows "history unavailable" in place of
 * the chart. Each chart's container publishes `data-state` and `data-points`.
 */
import uPlot from 'uplot';
import {
  DEFAULT_RANGE_MS,
  HISTORY_RANGES,
  HISTORY_TENOR_DAYS,
  type HistoryMetric,
  type HistoryState,
  historyPath,
  historyStateOf,
  historyStepMs,
  historyYRange,
} from './history.ts';

const AXIS = { stroke: '#9aa4b2', grid: { stroke: '#2a2f3a', width: 1 }, ticks: { stroke: '#2a2f3a' } };
const pct = (_u: uPlot, splits: number[]): string[] => splits.map((v) => `${(v * 100).toFixed(1)}%`);
export const HISTORY_REFRESH_MS = 10_000;

class HistoryChart {
  private readonly plot: uPlot;
  private readonly note: HTMLElement;
  /** The requested window, seconds: the x axis spans all of it (a young run fills the right end). */
  private window: [number, number] = [0, 1];

  constructor(
    private readonly el: HTMLElement,
    label: string,
    stroke: string,
    width: number,
    height: number,
  ) {
    this.note = document.createElement('div');
    this.note.className = 'note';
    el.appendChild(this.note);
    this.plot = new uPlot(
      {
        width,
        height,
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: true, range: () => this.window },
          y: { range: (_u, min, max) => historyYRange(min, max) },
        },
        axes: [AXIS, { ...AXIS, values: pct, size: 60, space: 20 }],
        series: [{}, { label, stroke, width: 2, spanGaps: false, points: { show: true, size: 4 } }],
      },
      [[], []],
      el,
    );
    el.dataset.state = 'pending';
    el.dataset.points = '0';
  }

  show(state: HistoryState, fromMs: number, toMs: number): void {
    this.window = [fromMs / 1000, toMs / 1000];
    this.el.dataset.state = state.kind;
    // No empty axes under "history unavailable": the note alone says it clearly.
    this.plot.root.hidden = state.kind === 'unavailable' || state.kind === 'error';
    if (state.kind === 'ok') {
      this.plot.setData([state.series.t, state.series.v] as uPlot.AlignedData);
      this.el.dataset.points = String(state.series.count);
      this.note.textContent = state.series.count === 0 ? 'no stored points in this range yet' : '';
    } else {
      this.plot.setData([[], []]);
      this.el.dataset.points = '0';
      this.note.textContent =
        state.kind === 'unavailable' ? state.reason : state.kind === 'error' ? state.message : 'loading…';
    }
    this.note.classList.toggle('bad', state.kind === 'error');
  }

  resize(width: number, height: number): void {
    this.plot.setSize({ width, height });
  }
}

export interface HistorySelection {
  currency: string;
  venue: string;
}

export class HistoryPanel {
  private readonly charts: { metric: HistoryMetric; chart: HistoryChart }[];
  private rangeMs = DEFAULT_RANGE_MS;
  private inFlight = false;
  private key = '';

  constructor(
    atmEl: HTMLElement,
    rr25El: HTMLElement,
    rangeSel: HTMLSelectElement,
    private readonly selection: () => HistorySelection,
    private readonly headers: Record<string, string>,
    width: number,
  ) {
    this.charts = [
      {
        metric: 'atm_vol',
        chart: new HistoryChart(atmEl, `ATM ${HISTORY_TENOR_DAYS}d`, '#4fc3f7', width, 160),
      },
      {
        metric: 'rr25',
        chart: new HistoryChart(rr25El, `RR25 ${HISTORY_TENOR_DAYS}d`, '#66bb6a', width, 160),
      },
    ];
    rangeSel.replaceChildren(
      ...HISTORY_RANGES.map((r) => {
        const o = document.createElement('option');
        o.value = String(r.ms);
        o.textContent = r.label;
        return o;
      }),
    );
    rangeSel.value = String(this.rangeMs);
    rangeSel.addEventListener('change', () => {
      this.rangeMs = Number(rangeSel.value);
      void this.refresh();
    });
    setInterval(() => void this.refresh(), HISTORY_REFRESH_MS);
  }

  /** Refreshes now when the selection changed since the last request (called every frame). */
  follow(): void {
    const s = this.selection();
    if (s.currency === '' || `${s.currency}|${s.venue}` === this.key) return;
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const s = this.selection();
    if (s.currency === '' || this.inFlight) return;
    this.inFlight = true;
    this.key = `${s.currency}|${s.venue}`;
    const toMs = Date.now();
    const fromMs = toMs - this.rangeMs;
    try {
      await Promise.all(
        this.charts.map(async ({ metric, chart }) => {
          const path = historyPath({
            currency: s.currency,
            venue: s.venue === '' ? 'composite' : s.venue,
            metric,
            tenorDays: HISTORY_TENOR_DAYS,
            fromMs,
            toMs,
            stepMs: historyStepMs(this.rangeMs),
          });
          chart.show(await fetchState(path, this.headers, fromMs, toMs), fromMs, toMs);
        }),
      );
    } finally {
      this.inFlight = false;
    }
  }

  resize(width: number): void {
    for (const { chart } of this.charts) chart.resize(width, 160);
  }
}

async function fetchState(
  path: string,
  headers: Record<string, string>,
  fromMs: number,
  toMs: number,
): Promise<HistoryState> {
  try {
    const res = await fetch(path, { headers });
    const body: unknown = await res.json().catch(() => undefined);
    return historyStateOf(res.status, body, fromMs, toMs);
  } catch (e) {
    return { kind: 'error', message: `history: ${String(e)}` };
  }
}
