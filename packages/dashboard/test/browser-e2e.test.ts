// Browser end to end through what a user runs: `volstream run --source sim` as a child process
// (simulator → Deribit connector → compute thread → gateway, storing into its own --data-dir), the
// dashboard opened in Debian's Chromium through playwright-core. The two-venue run is
// browser-venues-e2e.test.ts: the runner's 300 s timeout applies per file, and both runs in one
// file used most of it under load (and all of it once, when a start-up timed out). Screenshots go
// to packages/dashboard/test-artifacts/ (git-ignored).
//
// Every wait on data takes what is left of the file's budget (helpers/e2e.ts) rather than a tight
// deadline of its own: under CI load the run start-up, the first fuller surface and the first stored
// history point each took 25-60 s in a measured run, where 45-60 s deadlines had almost run out.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { panelState, SHOTS } from './helpers/browser.ts';
import { useRunAndBrowser } from './helpers/e2e.ts';

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
  const setup = useRunAndBrowser([]);

  it('renders smiles, term structure, diagnostics, run status and history with data, and updates', async (t) => {
    const { run, browser, budget } = setup();
    budget.attach(t);
    const { page, errors } = browser;
    await page.goto(`${run.url}/`);

    // The banner is there before any data arrives: simulated data is never shown unlabelled.
    assert.equal(await page.isVisible('#banner'), true);
    assert.match((await page.textContent('#banner')) ?? '', /SIMULATED DATA/);

    await page.waitForFunction(
      // The first surfaces of a starting run may list a single expiry: wait for a fuller one.
      () => Number((document.querySelector('#diagnostics') as HTMLElement | null)?.dataset.rows) > 1,
      undefined,
      { timeout: budget.left() },
    );
    budget.done('a surface with several expiries drawn');
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
      { timeout: budget.left() },
    );
    budget.done('run status with a connected venue');
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
      { timeout: budget.left() },
    );
    budget.done('a newer surface drawn');

    // History: the run stores into its --data-dir, so the 30d ATM and RR25 series fill up.
    await waitForHistory(page, budget.left());
    budget.done('history points drawn');
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
      { timeout: budget.left() },
    );
    budget.done('the last expiry drawn');
    assert.ok((await panelState(page)).smilePoints > 0);
    await page.screenshot({ path: join(SHOTS, 'dashboard-last-expiry.png'), fullPage: true });
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
