/**
 * The run status panel and the banner, from `/v1/status` (run-status.ts parses it), polled every
 * 3 s. The panel lists each venue (connected, msgs/s, age of its last event, currencies) with the
 * run's source, lag, surfaces/s and whether history is kept; `data-*` attributes on `#run-status`
 * (`state`, `source`, `simulated`, `history`, `venues`, `connected`) feed tests and monitoring.
 */
import {
  bannerOf,
  type StatusState,
  statusStateOf,
  type VenueStatusRow,
  venueStatusRows,
} from './run-status.ts';

export const STATUS_POLL_MS = 3000;

function ageText(ms: number | null): string {
  if (ms === null) return 'no data yet';
  return ms < 1000 ? `${Math.round(ms)} ms ago` : `${(ms / 1000).toFixed(1)} s ago`;
}

function venueCells(r: VenueStatusRow): string[] {
  return [
    r.venue,
    r.connected ? '● connected' : '○ disconnected',
    `${r.msgsPerSec.toFixed(1)} msg/s`,
    ageText(r.ageMs),
    r.currencies || '–',
  ];
}

export class StatusPanel {
  state: StatusState = { kind: 'pending' };

  constructor(
    private readonly el: HTMLElement,
    private readonly banner: HTMLElement,
    private readonly servedSource: string | undefined,
    private readonly headers: Record<string, string>,
    private readonly onChange: () => void,
  ) {}

  start(): void {
    // The banner from the served source right away, before the first poll answers.
    this.render(Date.now());
    void this.poll();
    setInterval(() => void this.poll(), STATUS_POLL_MS);
  }

  async poll(): Promise<void> {
    try {
      const res = await fetch('/v1/status', { headers: this.headers });
      const body: unknown = await res.json().catch(() => undefined);
      this.state = statusStateOf(res.status, body);
    } catch (e) {
      this.state = { kind: 'unavailable', reason: `/v1/status: ${String(e)}` };
    }
    this.onChange();
  }

  /** Called on each frame: cheap, rewrites text only where it changed. */
  render(nowMs: number): void {
    const b = bannerOf(this.state, this.servedSource);
    this.banner.hidden = !b.show;
    this.banner.dataset.kind = b.kind;
    if (this.banner.textContent !== b.text && b.show) this.banner.textContent = b.text;
    document.body.dataset.source = b.kind === 'simulated' ? 'sim' : b.kind === 'replay' ? 'replay' : 'other';
    const d = this.el.dataset;
    d.state = this.state.kind;
    if (this.state.kind !== 'ok') {
      d.venues = '0';
      d.connected = '0';
      const text =
        this.state.kind === 'pending'
          ? 'run status: loading…'
          : `run status unavailable: ${this.state.reason}`;
      if (this.el.textContent !== text) this.el.textContent = text;
      return;
    }
    const s = this.state.status;
    const rows = venueStatusRows(s, nowMs);
    d.source = s.source;
    d.simulated = String(s.simulated);
    d.history = String(s.history);
    d.venues = String(rows.length);
    d.connected = String(rows.filter((r) => r.connected).length);
    const summary = [
      `source ${s.source}${s.simulated ? ' (simulated)' : ''}`,
      `lag ${s.lag === null ? '–' : `${(s.lag / 1000).toFixed(1)} s`}`,
      `${s.surfacesPerSec.toFixed(1)} surfaces/s`,
      `history ${s.history ? 'kept' : 'not kept'}`,
      ...(s.store === null
        ? []
        : [
            `store backlog ${s.store.lagEvents} events (oldest ${(s.store.oldestAgeMs / 1000).toFixed(1)} s)`,
          ]),
      ...(s.startedAtMs === null ? [] : [`up ${Math.max(0, Math.round((nowMs - s.startedAtMs) / 1000))} s`]),
    ].join(' · ');
    this.renderTable(summary, rows);
  }

  private renderTable(summary: string, rows: readonly VenueStatusRow[]): void {
    let head = this.el.querySelector<HTMLElement>('.summary');
    let table = this.el.querySelector<HTMLTableElement>('table');
    if (head === null || table === null) {
      this.el.textContent = '';
      head = document.createElement('div');
      head.className = 'summary';
      table = document.createElement('table');
      table.className = 'venues';
      this.el.append(head, table);
    }
    const text = rows.length === 0 ? `${summary} · no venues yet` : summary;
    if (head.textContent !== text) head.textContent = text;
    const body = table.tBodies[0] ?? table.createTBody();
    while (body.rows.length > rows.length) body.deleteRow(-1);
    rows.forEach((r, i) => {
      const tr = body.rows[i] ?? body.insertRow();
      tr.dataset.venue = r.venue;
      tr.dataset.connected = String(r.connected);
      venueCells(r).forEach((text, j) => {
        const td = tr.cells[j] ?? tr.insertCell();
        if (td.textContent !== text) td.textContent = text;
        td.classList.toggle('bad', j > 0 && j < 4 && r.bad);
      });
    });
  }
}
