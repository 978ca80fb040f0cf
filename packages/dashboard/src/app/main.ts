/**
 * Dashboard entry (bundled by esbuild into dist/app.js): connects the client SDK's StreamClient to
 * the gateway it was served from, applies Snapshots/Updates to DashboardState, and redraws at
 * display cadence through FrameScheduler (messages only mark the view dirty).
 */
import { StreamClient } from '@volstream/client';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { SmileChart, TermChart } from './charts.ts';
import { DashboardState, RateMeter, type Selection, selectedOf } from './dashboard-state.ts';
import { DiagnosticsTable } from './diagnostics-table.ts';
import { FrameScheduler } from './frame-scheduler.ts';
import { GatewayStatusTracker } from './gateway-status.ts';
import { Heatmap } from './heatmap.ts';
import { HistoryPanel } from './history-panel.ts';
import { StatusPanel } from './status-panel.ts';
import { renderSmileLegend, VenuePanel } from './venue-panel.ts';
import { venueDiagnostics, venueOverlay } from './venues.ts';
import { surfaceView } from './view-model.ts';

/**
 * Injected by the gateway's dashboard route: where the data comes from ("sim", "live", "unknown").
 * Only a stand-in for the banner until `/v1/status` answers (status-panel.ts).
 */
declare global {
  interface Window {
    __VOLSTREAM__?: { source?: string };
  }
}

const MAX_FPS = 10;
const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`Expected element #${id}, was missing`);
  return el as T;
};

const state = new DashboardState();
const rate = new RateMeter();
const selection: Selection = { currency: '', venue: '', expiryMs: undefined };
const params = new URLSearchParams(location.search);
const apiKey = params.get('api_key') ?? undefined;
/** `/v1/...` REST routes need the key when keys are on (the page got it in its own URL). */
const headers: Record<string, string> = apiKey === undefined ? {} : { 'x-api-key': apiKey };

const width = (id: string): number => Math.max(300, $(id).clientWidth);
const smile = new SmileChart($('smile'), width('smile'), 300);
const term = new TermChart(
  $('term'),
  [
    { label: 'ATM vol', stroke: '#4fc3f7', pick: (p) => p.atm },
    { label: 'forward vol', stroke: '#ba68c8', pick: (p) => p.forwardVol, dash: [4, 4] },
  ],
  width('term'),
  170,
  '',
);
const rrbf = [
  { label: 'RR25', stroke: '#66bb6a', pick: (p: { rr25: number | null }) => p.rr25 },
  { label: 'BF25', stroke: '#ffca28', pick: (p: { bf25: number | null }) => p.bf25 },
  { label: 'RR10', stroke: '#26a69a', pick: (p: { rr10: number | null }) => p.rr10, dash: [4, 4] },
  { label: 'BF10', stroke: '#ff7043', pick: (p: { bf10: number | null }) => p.bf10, dash: [4, 4] },
];
const byExpiry = new TermChart($('rrbf-expiry'), rrbf, width('rrbf-expiry'), 170, '');
const byTenor = new TermChart($('rrbf-tenor'), rrbf, width('rrbf-tenor'), 170, '');
const heatmap = new Heatmap($<HTMLCanvasElement>('heatmap'));
const table = new DiagnosticsTable($<HTMLTableElement>('diagnostics'));
const venuePanel = new VenuePanel(
  $<HTMLTableElement>('contributions'),
  $<HTMLTableElement>('disagreement'),
  $('venue-note'),
);
const statusPanel = new StatusPanel($('run-status'), $('banner'), window.__VOLSTREAM__?.source, headers, () =>
  scheduler.markDirty(),
);
const history = new HistoryPanel(
  $('history-atm'),
  $('history-rr25'),
  $<HTMLSelectElement>('history-range'),
  () => ({ currency: selection.currency, venue: selection.venue }),
  headers,
  width('history-atm'),
);

function resetRanges(): void {
  smile.resetRanges();
  term.resetRanges();
  byExpiry.resetRanges();
  byTenor.resetRanges();
  heatmap.resetRanges();
}

/** Refills a <select> only when its option list changed (keeps focus and the user's choice). */
function syncOptions(select: HTMLSelectElement, values: readonly string[], labels?: readonly string[]): void {
  const now = [...select.options].map((o) => o.value).join('\n');
  if (now === values.join('\n')) return;
  const keep = select.value;
  select.replaceChildren(
    ...values.map((v, i) => {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = labels?.[i] ?? v;
      return o;
    }),
  );
  if (values.includes(keep)) select.value = keep;
}

const currencySel = $<HTMLSelectElement>('currency');
const venueSel = $<HTMLSelectElement>('venue');
const expirySel = $<HTMLSelectElement>('expiry');
/** Whether the user picked a currency / venue (else the defaults follow the lists). */
const chose = { currency: false, venue: false };
currencySel.addEventListener('change', () => {
  chose.currency = true;
});
venueSel.addEventListener('change', () => {
  chose.venue = true;
});
for (const sel of [currencySel, venueSel, expirySel]) {
  sel.addEventListener('change', () => {
    selection.currency = currencySel.value;
    selection.venue = venueSel.value;
    selection.expiryMs = expirySel.value === '' ? undefined : Number(expirySel.value);
    resetRanges();
    scheduler.markDirty();
  });
}

function render(): void {
  const nowMs = Date.now();
  const currencies = state.sortedCurrencies();
  const venues = state.sortedVenues();
  syncOptions(currencySel, currencies);
  syncOptions(venueSel, venues);
  const currency = selectedOf(selection.currency, currencies, chose.currency);
  const venue = selectedOf(selection.venue, venues, chose.venue);
  if (currency !== selection.currency || venue !== selection.venue) {
    selection.currency = currency;
    selection.venue = venue;
    resetRanges();
  }
  currencySel.value = selection.currency;
  venueSel.value = selection.venue;
  renderStatus(nowMs);
  statusPanel.render(nowMs);
  history.follow();
  $('history-what').textContent = `${selection.currency || '–'} ${selection.venue || 'composite'}`;
  const surface = state.surface(selection);
  if (surface === undefined) return;
  const composite = surface.venue === 'composite';
  const view = surfaceView(surface, nowMs, state.smilesOf(selection));
  syncOptions(
    expirySel,
    view.smiles.map((s) => String(s.expiryMs)),
    view.smiles.map((s) => `${s.label} (${s.days.toFixed(1)}d)`),
  );
  const chosen = view.smiles.find((s) => s.expiryMs === selection.expiryMs) ?? view.smiles[0];
  if (chosen !== undefined && chosen.expiryMs !== selection.expiryMs) {
    if (selection.expiryMs !== undefined) smile.resetRanges();
    selection.expiryMs = chosen.expiryMs;
  }
  expirySel.value = String(selection.expiryMs ?? '');
  if (chosen !== undefined) {
    // The composite smile mixes venues: each venue's bars in its own colour.
    const groups = composite ? venueOverlay(chosen.quotes) : undefined;
    smile.update(chosen, view.asOfMs, groups !== undefined);
    renderSmileLegend($('smile-legend'), groups);
    $('smile-title').textContent =
      `Smile ${chosen.label} · F ${chosen.forward.toFixed(0)} · ATM ${chosen.atmVol === null ? '–' : (chosen.atmVol * 100).toFixed(1)}% · ${chosen.quotes.length} quotes`;
  }
  term.update(view.byExpiry, view.asOfMs);
  byExpiry.update(view.byExpiry, view.asOfMs);
  byTenor.update(view.byTenor, view.asOfMs);
  heatmap.draw(view.heatmap, view.asOfMs);
  table.update(
    view.smiles.map((s) => s.diagnostics),
    view.asOfMs,
  );
  venuePanel.update(composite ? venueDiagnostics(surface) : undefined, view.asOfMs);
  $('surface-info').textContent =
    `${view.currency} ${view.venue} · as of ${new Date(view.asOfMs).toISOString().slice(11, 23)}Z · ` +
    `index ${view.indexPrice?.toFixed(2) ?? '–'} · inputs ${view.newestInputAgeMs}–${view.oldestInputAgeMs} ms old · ` +
    `arbitrage: ${view.butterflyViolations} butterfly, ${view.calendarViolations} calendar · ${view.fitter} · run ${view.runId}`;
}

const gateway = new GatewayStatusTracker();
const fmt = (v: number | undefined, digits = 1): string => (v === undefined ? '–' : v.toFixed(digits));

function renderStatus(nowMs: number): void {
  const lastSurface = state.surface(selection);
  const lagMs = lastSurface === undefined ? undefined : nowMs - Number(lastSurface.asOfMs);
  const g = gateway.status;
  const status = $('status');
  status.dataset.messages = String(state.messages);
  status.dataset.connected = String(client.connected);
  status.textContent = [
    client.connected ? '● connected' : '○ disconnected',
    `gateway ${g.ready === true ? 'ready' : 'not ready'} (${g.surfaces ?? 0} surfaces, ${g.smiles ?? 0} smiles, ` +
      `${fmt(g.ingestPerSec)} events/s in, ${fmt(g.framesPerSec)} frames/s out)`,
    `venues ${state.sortedVenues().join(', ') || '–'}`,
    `here ${rate.rate(nowMs).toFixed(1)} msg/s, ${state.messages} msgs, ${client.stats.reconnects} reconnects, ${client.stats.gaps} gaps`,
    `lag ${lagMs === undefined ? '–' : `${(lagMs / 1000).toFixed(1)} s`}`,
    ...(g.pipelineP99Ms === undefined ? [] : [`pipeline p99 ${g.pipelineP99Ms.toFixed(0)} ms`]),
    `${scheduler.renders} frames`,
  ].join(' · ');
}

const scheduler = new FrameScheduler(render, {
  maxFps: MAX_FPS,
  requestFrame: (cb) => requestAnimationFrame(cb),
  now: () => performance.now(),
});

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/stream`;
const client = new StreamClient({
  url: wsUrl,
  ...(apiKey === undefined ? {} : { apiKey }),
  onOpen: () => scheduler.markDirty(),
  onClose: () => scheduler.markDirty(),
});
const onMessage = (): void => {
  rate.hit(Date.now());
  scheduler.markDirty();
};
client.subscribe(
  {},
  {
    onSnapshot: (s) => {
      state.applySnapshot(s, Date.now());
      onMessage();
    },
    onUpdate: (u) => {
      state.applyUpdate(u, Date.now());
      onMessage();
    },
    onError: (e) => {
      $('error').textContent = `${e.code}: ${e.message}`;
    },
  },
  'dashboard',
);
client.connect().catch((e: unknown) => {
  $('error').textContent = `stream: ${String(e)}`;
});

/** /readyz and /metrics are public paths: no API key needed. Failures just leave gaps ("–"). */
async function pollGateway(): Promise<void> {
  try {
    gateway.applyReady((await (await fetch('/readyz')).json()) as { ready?: boolean });
  } catch {
    gateway.applyReady({});
  }
  try {
    gateway.applyMetrics(await (await fetch('/metrics')).text(), Date.now());
  } catch {
    // Keep the last figures.
  }
  scheduler.markDirty();
}
void pollGateway();
statusPanel.start();
setInterval(() => void pollGateway(), 2000);
// Ages and the message rate change with time alone: refresh the status once a second.
setInterval(() => scheduler.markDirty(), 1000);
addEventListener('resize', () => {
  smile.resize(width('smile'), 300);
  term.resize(width('term'), 170);
  byExpiry.resize(width('rrbf-expiry'), 170);
  byTenor.resize(width('rrbf-tenor'), 170);
  history.resize(width('history-atm'));
  scheduler.markDirty();
});
