// Browser end to end: the gateway in-process, fed by the embedded pipeline on the simulator
// (exchange simulator → Deribit connector → orderbook/volatility/surface workers in the compute
// thread → surface topic → gateway), the dashboard opened in Debian's Chromium through
// playwright-core. `volstream run` has no gateway yet, hence in-process rather than a child process.
// Screenshots go to artifacts/screenshots/ (git-ignored).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Bus, createBus } from '@volstream/bus';
import { createConnectorComponent } from '@volstream/connector';
import { createSimulatorComponent } from '@volstream/exchange-sim';
import { build, type Gateway } from '@volstream/gateway';
import { createLogger } from '@volstream/logging';
import { createComputeComponent } from '@volstream/pipeline';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { setDataSource } from '../src/index.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHOTS = join(ROOT, 'artifacts', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const logger = createLogger({ service: 'dashboard-e2e', level: 'silent' });

/**
 * Reads the numeric data-attributes the panels publish (points drawn, as-of, message count). A
 * string, not a function: tsx would wrap a function's inner helpers in its own `__name`, which the
 * page does not have.
 */
const PANEL_STATE = `(() => {
  const n = (sel, attr) => Number(document.querySelector(sel)?.dataset[attr] ?? NaN);
  return {
    smilePoints: n('#smile', 'points'),
    smileCurve: n('#smile', 'curvePoints'),
    smileAsOf: n('#smile', 'asOf'),
    termPoints: n('#term', 'points'),
    rrExpiry: n('#rrbf-expiry', 'points'),
    rrTenor: n('#rrbf-tenor', 'points'),
    heatCells: n('#heatmap', 'cells'),
    diagRows: n('#diagnostics', 'rows'),
    messages: n('#status', 'messages'),
    canvases: document.querySelectorAll('#smile canvas, #term canvas').length,
  };
})()`;

interface PanelState {
  smilePoints: number;
  smileCurve: number;
  smileAsOf: number;
  termPoints: number;
  rrExpiry: number;
  rrTenor: number;
  heatCells: number;
  diagRows: number;
  messages: number;
  canvases: number;
}

function panelState(page: Page): Promise<PanelState> {
  return page.evaluate(PANEL_STATE) as Promise<PanelState>;
}

describe('dashboard in Chromium against the gateway on the simulator', () => {
  const ctx = { config: {}, logger, signal: new AbortController().signal };
  let bus: Bus;
  let gw: Gateway;
  let port: number;
  const sim = createSimulatorComponent({ seed: '7' });
  const compute = createComputeComponent();
  const connector = createConnectorComponent({ venue: 'deribit', resolveUrl: () => sim.simulator()?.url });
  let browser: BrowserContext | undefined;
  const profile = mkdtempSync(join(tmpdir(), 'volstream-chromium-'));

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    bus = createBus({ transport: 'inprocess' }, { logger });
    setDataSource('sim');
    gw = build({ logger, bus });
    port = await gw.listen(0, '127.0.0.1');
    await sim.start({ logger });
    await compute.start({ ...ctx, bus });
    await connector.start({ ...ctx, bus: compute.host()?.ingressBus(bus) ?? bus });
  });

  after(async () => {
    await browser?.close();
    await connector.stop();
    await compute.stop();
    await sim.stop();
    await gw.close();
    await bus.close();
    setDataSource(undefined);
    rmSync(profile, { recursive: true, force: true });
  });

  it('renders smiles, term structure, RR/BF, surface and diagnostics with data, updates, shows SIMULATED DATA', async () => {
    browser = await chromium.launchPersistentContext(profile, {
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
    const page = browser.pages()[0] ?? (await browser.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/`);

    // The banner is there before any data arrives: simulated data is never shown unlabelled.
    assert.equal(await page.isVisible('#banner'), true);
    assert.match((await page.textContent('#banner')) ?? '', /SIMULATED DATA/);

    await page.waitForFunction(
      () => Number((document.querySelector('#diagnostics') as HTMLElement | null)?.dataset.rows) > 0,
      undefined,
      { timeout: 60_000 },
    );
    const first = await panelState(page);
    assert.ok(first.smilePoints > 0, `smile quotes drawn: ${JSON.stringify(first)}`);
    assert.ok(first.smileCurve > 50, 'SVI curve drawn');
    assert.ok(first.termPoints > 0, 'ATM term structure drawn');
    assert.ok(first.rrExpiry > 0 && first.rrTenor > 0, 'RR/BF by expiry and tenor drawn');
    assert.ok(first.heatCells > 0, 'surface heatmap drawn');
    assert.ok(first.diagRows > 1, 'a diagnostics row per expiry');
    assert.equal(first.canvases, 2, `uPlot canvases present: ${JSON.stringify(first)}`);
    assert.match((await page.textContent('#status')) ?? '', /● connected/);
    // The status line reads the gateway's /readyz and /metrics (ingest rate needs two polls).
    await page.waitForFunction(() =>
      /gateway ready \(\d+ surfaces, \d+ smiles, \d+\.\d events\/s in/.test(
        document.querySelector('#status')?.textContent ?? '',
      ),
    );
    assert.match((await page.textContent('#diagnostics tbody')) ?? '', /\d+\/\d+/);
    await page.screenshot({ path: join(SHOTS, 'dashboard-first.png') });

    // Live: the next surfaces move the as-of and the message count.
    await page.waitForFunction(
      (prev) => {
        const asOf = Number((document.querySelector('#smile') as HTMLElement | null)?.dataset.asOf);
        const msgs = Number((document.querySelector('#status') as HTMLElement | null)?.dataset.messages);
        return asOf > prev.smileAsOf && msgs > prev.messages;
      },
      first,
      { timeout: 30_000 },
    );
    const later = await panelState(page);
    assert.ok(later.smileAsOf > first.smileAsOf && later.messages > first.messages);

    // Another expiry from the selector redraws the smile panel for it.
    const options = await page.$$eval('#expiry option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value),
    );
    assert.ok(options.length > 1, `${options.length} expiries listed`);
    const last = options.at(-1) ?? '';
    await page.selectOption('#expiry', last);
    await page.waitForFunction(
      (v) => (document.querySelector('#expiry') as HTMLSelectElement).value === v,
      last,
    );
    const label = (await page.textContent(`#expiry option[value="${last}"]`))?.split(' ')[0] ?? '';
    await page.waitForFunction(
      (l) => document.querySelector('#smile-title')?.textContent?.startsWith(`Smile ${l} `) === true,
      label,
    );
    assert.ok((await panelState(page)).smilePoints > 0);
    await page.screenshot({ path: join(SHOTS, 'dashboard-last-expiry.png'), fullPage: true });
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
