// Browser end to end through what a user runs: `volstream run --source sim` as a child process
// (simulator → Deribit connector → compute thread → gateway, storing into its own --data-dir), the
// dashboard opened in Debian's Chromium through playwright-core; then a two-venue run
// (`--venues deribit,okx`: both simulators, both connectors, the composite surface). One file, so
// the two runs never compete for the cores (the test runner runs files two at a time, the suites of
// a file one after the other). Screenshots go to packages/dashboard/test-artifacts/ (git-ignored).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type Browser, openBrowser, panelState, SHOTS } from './helpers/browser.ts';
import { type Run, startRun } from './helpers/run-cli.ts';

/** Re-requests history now (a range change refreshes at once) until the store answers with points. */
async function waitForHistory(page: Page, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ranges = ['900000', '3600000'];
  for (let i = 0; Date.now() < deadline; i += 1) {
    const s = await panelState(page);
    if (s.historyAtmPoints > 0 && s.historyRrPoints > 0) return;
    await page.selectOption('#history-range', ranges[i % 2] ?? '3600000');
    await page.waitForTimeout(2000);
  }
  assert.fail(`no history points after ${timeoutMs} ms: ${JSON.stringify(await panelState(page))}`);
}

describe('dashboard in Chromium against `volstream run --source sim`', () => {
  let run: Run | undefined;
  let browser: Browser | undefined;

  before(async () => {
    // Both start at once; whichever started is kept, so after() closes it even if the other failed.
    const [r, b] = await Promise.allSettled([startRun([]), openBrowser()]);
    if (r.status === 'fulfilled') run = r.value;
    if (b.status === 'fulfilled') browser = b.value;
    if (r.status === 'rejected') throw r.reason;
    if (b.status === 'rejected') throw b.reason;
  });

  after(async () => {
    await browser?.close();
    // The exit code on SIGTERM is packages/cli's test; here the run only has to go away.
    await run?.stop();
  });

  it('renders smiles, term structure, diagnostics, run status and history with data, and updates', async () => {
    assert.ok(run !== undefined && browser !== undefined);
    const { page, errors } = browser;
    await page.goto(`${run.url}/`);

    // The banner is there before any data arrives: simulated data is never shown unlabelled.
    assert.equal(await page.isVisible('#banner'), true);
    assert.match((await page.textContent('#banner')) ?? '', /SIMULATED DATA/);

    await page.waitForFunction(
      // The first surfaces of a starting run may list a single expiry: wait for a fuller one.
      () => Number((document.querySelector('#diagnostics') as HTMLElement | null)?.dataset.rows) > 1,
      undefined,
      { timeout: 45_000 },
    );
    const first = await panelState(page);
    assert.ok(first.smilePoints > 0, `smile quotes drawn: ${JSON.stringify(first)}`);
    assert.ok(first.smileCurve > 50, 'SVI curve drawn');
    assert.ok(first.smileMarks > 0, "the venue's mark IVs drawn");
    assert.ok(first.termPoints > 0, 'ATM term structure drawn');
    assert.ok(first.rrExpiry > 0 && first.rrTenor > 0, 'RR/BF by expiry and tenor drawn');
    assert.ok(first.heatCells > 0, 'surface heatmap drawn');
    assert.ok(first.diagRows > 1, 'a diagnostics row per expiry');
    assert.equal(first.canvases, 2, `uPlot canvases present: ${JSON.stringify(first)}`);
    assert.ok(first.venueOptions.includes('deribit'), `venue selector: ${first.venueOptions}`);
    assert.match((await page.textContent('#status')) ?? '', /● connected/);
    assert.match((await page.textContent('#diagnostics tbody')) ?? '', /\d+\/\d+/);

    // Run status from /v1/status: the simulated source, a connected venue, history kept.
    await page.waitForFunction(
      () => {
        const d = (document.querySelector('#run-status') as HTMLElement | null)?.dataset;
        return d?.state === 'ok' && Number(d.connected) > 0;
      },
      undefined,
      { timeout: 20_000 },
    );
    assert.match(
      (await page.textContent('#run-status tr[data-venue="deribit"]')) ?? '',
      /deribit● connected\d+\.\d msg\/s/,
    );
    assert.match(
      (await page.textContent('#run-status .summary')) ?? '',
      /source sim \(simulated\).*history kept/,
    );
    const status = await panelState(page);
    assert.equal(status.runSource, 'sim');
    assert.equal(status.runSimulated, 'true');
    assert.equal(status.runHistory, 'true', 'volstream run keeps history in its --data-dir');
    assert.ok(
      status.bannerShown && /SIMULATED DATA/.test(status.bannerText),
      'the banner follows /v1/status',
    );
    await page.screenshot({ path: join(SHOTS, 'dashboard-first.png'), fullPage: true });

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

    // History: the run stores into its --data-dir, so the 30d ATM and RR25 series fill up.
    await waitForHistory(page, 45_000);
    const h = await panelState(page);
    assert.equal(h.historyAtmState, 'ok');
    assert.equal(h.historyRrState, 'ok');

    // Another expiry from the selector redraws the smile panel for it.
    const options = await page.$$eval('#expiry option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value),
    );
    assert.ok(options.length > 1, `${options.length} expiries listed`);
    const last = options.at(-1) ?? '';
    await page.selectOption('#expiry', last);
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

describe('dashboard in Chromium against `volstream run --venues deribit,okx`', () => {
  let run: Run | undefined;
  let browser: Browser | undefined;

  before(async () => {
    // No store: this test is about venues, and a run without one starts and stops faster.
    const [r, b] = await Promise.allSettled([
      startRun(['--venues', 'deribit,okx', '--no-store']),
      openBrowser(),
    ]);
    if (r.status === 'fulfilled') run = r.value;
    if (b.status === 'fulfilled') browser = b.value;
    if (r.status === 'rejected') throw r.reason;
    if (b.status === 'rejected') throw b.reason;
  });

  after(async () => {
    await browser?.close();
    await run?.stop();
  });

  it('lists both venues and the composite; the composite smile overlays both venues', async () => {
    assert.ok(run !== undefined && browser !== undefined);
    const { page, errors } = browser;
    await page.goto(`${run.url}/`);
    await page.waitForFunction(
      () => {
        const venues = [...document.querySelectorAll('#venue option')].map(
          (o) => (o as HTMLOptionElement).value,
        );
        return ['composite', 'deribit', 'okx'].every((v) => venues.includes(v));
      },
      undefined,
      { timeout: 45_000 },
    );
    const s = await panelState(page);
    assert.equal(s.venueOptions[0], 'composite', `composite first: ${s.venueOptions}`);
    // The composite is selected first; its smile mixes both venues' quotes, coloured by venue.
    await page.selectOption('#venue', 'composite');
    await page.waitForFunction(
      () => {
        const d = (document.querySelector('#smile') as HTMLElement | null)?.dataset;
        return d?.byVenue === 'true' && d.venues?.split(',').includes('okx') && d.venues.includes('deribit');
      },
      undefined,
      { timeout: 30_000 },
    );
    const c = await panelState(page);
    assert.ok(c.smilePoints > 0 && c.smileCurve > 50, `composite smile drawn: ${JSON.stringify(c)}`);
    assert.match(c.legendVenues, /deribit/);
    assert.match(c.legendVenues, /okx/);
    assert.match(
      (await page.textContent('#smile-legend')) ?? '',
      /deribit \d+\/\d+ in fit.*okx \d+\/\d+ in fit/,
    );
    // Which venue contributed what: both venues in the contributions table.
    assert.ok(c.contributionRows >= 2, `contributions: ${JSON.stringify(c)}`);
    assert.match((await page.textContent('#contributions')) ?? '', /deribit.*okx/s);
    assert.ok(c.disagreementRows > 0, 'a row per composite expiry');
    // Venue disagreement: expiries both venues list carry each venue's ATM and the spread.
    await page.waitForFunction(
      () => Number((document.querySelector('#disagreement') as HTMLElement | null)?.dataset.spreads) > 0,
      undefined,
      { timeout: 15_000 },
    );
    assert.match((await page.textContent('#disagreement tbody')) ?? '', /\d+\.\d% · \d+q.*\d+\.\d\d pts/s);
    await page.screenshot({ path: join(SHOTS, 'dashboard-composite.png'), fullPage: true });

    // --no-store: the history charts say so plainly instead of drawing empty axes.
    await page.waitForFunction(
      () => (document.querySelector('#history-atm') as HTMLElement | null)?.dataset.state === 'unavailable',
    );
    assert.match((await page.textContent('#history-atm')) ?? '', /history unavailable: HISTORY_UNAVAILABLE/);
    assert.equal((await panelState(page)).runHistory, 'false');

    // A single venue's smile is drawn without the overlay.
    await page.selectOption('#venue', 'okx');
    await page.waitForFunction(
      () => (document.querySelector('#smile') as HTMLElement | null)?.dataset.venues === 'okx',
      undefined,
      { timeout: 15_000 },
    );
    assert.equal((await panelState(page)).smileByVenue, 'false');
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
