// Browser end to end of a two-venue run: `volstream run --source sim --venues deribit,okx
// --no-store` (both simulators, both connectors, the composite surface) as a child process, the
// dashboard in Debian's Chromium through playwright-core: venue selector, composite overlays,
// contributions, venue disagreement and the history-unavailable state. Split from
// browser-e2e.test.ts so each run has the runner's 300 s per-file limit to itself; every wait takes
// what is left of the file's budget (helpers/e2e.ts). Screenshots go to packages/dashboard/test-artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { panelState, SHOTS } from './helpers/browser.ts';
import { useRunAndBrowser } from './helpers/e2e.ts';

describe('dashboard in Chromium against `volstream run --venues deribit,okx`', () => {
  // No store: this test is about venues, and a run without one starts and stops faster.
  const setup = useRunAndBrowser(['--venues', 'deribit,okx', '--no-store']);

  it('lists both venues and the composite; the composite smile overlays both venues', async (t) => {
    const { run, browser, budget } = setup();
    budget.attach(t);
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
      { timeout: budget.left() },
    );
    budget.done('both venues and the composite listed');
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
      { timeout: budget.left() },
    );
    budget.done('the composite smile overlays both venues');
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
      { timeout: budget.left() },
    );
    budget.done('a venue disagreement spread');
    assert.match((await page.textContent('#disagreement tbody')) ?? '', /\d+\.\d% · \d+q.*\d+\.\d\d pts/s);
    await page.screenshot({ path: join(SHOTS, 'dashboard-composite.png'), fullPage: true });

    // --no-store: the history charts say so plainly instead of drawing empty axes.
    await page.waitForFunction(
      () => (document.querySelector('#history-atm') as HTMLElement | null)?.dataset.state === 'unavailable',
      undefined,
      { timeout: budget.left() },
    );
    assert.match((await page.textContent('#history-atm')) ?? '', /history unavailable: HISTORY_UNAVAILABLE/);
    assert.equal((await panelState(page)).runHistory, 'false');

    // A single venue's smile is drawn without the overlay.
    await page.selectOption('#venue', 'okx');
    await page.waitForFunction(
      () => (document.querySelector('#smile') as HTMLElement | null)?.dataset.venues === 'okx',
      undefined,
      { timeout: budget.left() },
    );
    budget.done('the okx smile alone');
    assert.equal((await panelState(page)).smileByVenue, 'false');
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
