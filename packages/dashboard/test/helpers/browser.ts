// Debian's Chromium through playwright-core (flags and path as in INFRA.md), and the panels'
// published data-* attributes read in one evaluate.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = join(new URL('../../', import.meta.url).pathname, 'test-artifacts');

export interface Browser {
  readonly page: Page;
  /** Uncaught page errors so far. */
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'volstream-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  // playwright's 30 s default is tight on a loaded CI machine (a selector, a navigation); waits on
  // data pass their own deadline from the test's budget.
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(60_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    page,
    errors,
    async close() {
      await context?.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The numeric data-attributes the panels publish. A string, not a function: tsx would wrap a
 * function's inner helpers in its own `__name`, which the page does not have.
 */
const PANEL_STATE = `(() => {
  const el = (sel) => document.querySelector(sel);
  const n = (sel, attr) => Number(el(sel)?.dataset[attr] ?? NaN);
  const s = (sel, attr) => el(sel)?.dataset[attr] ?? '';
  return {
    smilePoints: n('#smile', 'points'),
    smileCurve: n('#smile', 'curvePoints'),
    smileMarks: n('#smile', 'markPoints'),
    smileAsOf: n('#smile', 'asOf'),
    smileVenues: s('#smile', 'venues'),
    smileByVenue: s('#smile', 'byVenue'),
    legendVenues: s('#smile-legend', 'venues'),
    termPoints: n('#term', 'points'),
    rrExpiry: n('#rrbf-expiry', 'points'),
    rrTenor: n('#rrbf-tenor', 'points'),
    heatCells: n('#heatmap', 'cells'),
    diagRows: n('#diagnostics', 'rows'),
    messages: n('#status', 'messages'),
    canvases: document.querySelectorAll('#smile canvas, #term canvas').length,
    runState: s('#run-status', 'state'),
    runSource: s('#run-status', 'source'),
    runSimulated: s('#run-status', 'simulated'),
    runHistory: s('#run-status', 'history'),
    runVenues: n('#run-status', 'venues'),
    runConnected: n('#run-status', 'connected'),
    historyAtmState: s('#history-atm', 'state'),
    historyAtmPoints: n('#history-atm', 'points'),
    historyRrState: s('#history-rr25', 'state'),
    historyRrPoints: n('#history-rr25', 'points'),
    disagreementRows: n('#disagreement', 'rows'),
    disagreementVenues: s('#disagreement', 'venues'),
    disagreementSpreads: n('#disagreement', 'spreads'),
    contributionRows: n('#contributions', 'rows'),
    bannerShown: !el('#banner').hidden,
    bannerText: el('#banner').textContent,
    venueOptions: [...document.querySelectorAll('#venue option')].map((o) => o.value),
  };
})()`;

export interface PanelState {
  smilePoints: number;
  smileCurve: number;
  smileMarks: number;
  smileAsOf: number;
  smileVenues: string;
  smileByVenue: string;
  legendVenues: string;
  termPoints: number;
  rrExpiry: number;
  rrTenor: number;
  heatCells: number;
  diagRows: number;
  messages: number;
  canvases: number;
  runState: string;
  runSource: string;
  runSimulated: string;
  runHistory: string;
  runVenues: number;
  runConnected: number;
  historyAtmState: string;
  historyAtmPoints: number;
  historyRrState: string;
  historyRrPoints: number;
  disagreementRows: number;
  disagreementVenues: string;
  disagreementSpreads: number;
  contributionRows: number;
  bannerShown: boolean;
  bannerText: string;
  venueOptions: string[];
}

export function panelState(page: Page): Promise<PanelState> {
  return page.evaluate(PANEL_STATE) as Promise<PanelState>;
}
