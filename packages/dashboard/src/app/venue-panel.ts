/**
 * Venue diagnostics of a composite surface (venues.ts builds the numbers): the smile's per-venue
 * legend, what each venue contributed (quotes, expiries, fit weight) and, per expiry, each venue's
 * ATM vol, quotes and weight with the ATM spread (red above 2 vol points). Tables are rebuilt only
 * when their venue columns change and otherwise updated in place.
 */

import { type VenueDiagnostics, type VenueQuotes, venueCellText, venueColour } from './venues.ts';
import { expiryLabel } from './view-model.ts';

const pct = (v: number | null, digits = 1): string => (v === null ? '–' : `${(v * 100).toFixed(digits)}%`);

function swatch(colour: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = 'swatch';
  s.style.background = colour;
  return s;
}

/** The smile legend: one swatch per venue when bars are coloured by venue, else the fixed legend. */
export function renderSmileLegend(el: HTMLElement, groups: readonly VenueQuotes[] | undefined): void {
  const key =
    groups === undefined ? 'fixed' : groups.map((g) => `${g.venue}:${g.inFit}/${g.quotes.length}`).join(',');
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  el.dataset.venues = groups === undefined ? '' : groups.map((g) => g.venue).join(',');
  if (groups === undefined) {
    el.innerHTML =
      '<span class="bar in"></span>bid–ask IV (in fit) <span class="bar out"></span>outside the fit · mids: white in fit, red outside';
    return;
  }
  el.replaceChildren(
    ...groups.flatMap((g) => {
      const label = document.createElement('span');
      label.className = 'venue-label';
      label.textContent = `${g.venue} ${g.inFit}/${g.quotes.length} in fit`;
      return [swatch(g.colour), label];
    }),
    document.createTextNode(' · dashed: outside the fit (red mids)'),
  );
}

function setCell(tr: HTMLTableRowElement, i: number, text: string, bad = false): void {
  const td = tr.cells[i] ?? tr.insertCell();
  if (td.textContent !== text) td.textContent = text;
  td.classList.toggle('bad', bad);
}

export class VenuePanel {
  private columns = '';

  constructor(
    private readonly contributions: HTMLTableElement,
    private readonly disagreement: HTMLTableElement,
    private readonly note: HTMLElement,
  ) {}

  /** `undefined`: the selection is not a composite surface (nothing to compare). */
  update(view: VenueDiagnostics | undefined, asOfMs: number): void {
    const d = this.disagreement;
    if (view === undefined || view.venues.length === 0) {
      this.note.textContent =
        view === undefined
          ? 'select the composite surface to see which venue contributed what'
          : 'no venue contributions on this surface';
      this.contributions.hidden = true;
      d.hidden = true;
      d.dataset.rows = '0';
      d.dataset.venues = '';
      return;
    }
    this.note.textContent = '';
    this.contributions.hidden = false;
    d.hidden = false;
    const columns = view.venues.join(',');
    if (columns !== this.columns) this.rebuild(view.venues);
    this.columns = columns;
    const cb = this.contributions.tBodies[0] ?? this.contributions.createTBody();
    while (cb.rows.length > view.contributions.length) cb.deleteRow(-1);
    view.contributions.forEach((c, i) => {
      const tr = cb.rows[i] ?? cb.insertRow();
      setCell(tr, 0, c.venue);
      setCell(tr, 1, String(c.quotes));
      setCell(tr, 2, String(c.expiries));
      setCell(tr, 3, pct(c.weight, 0));
      const first = tr.cells[0];
      if (first !== undefined && first.firstChild?.nodeName !== 'SPAN') first.prepend(swatch(c.colour));
    });
    const body = d.tBodies[0] ?? d.createTBody();
    while (body.rows.length > view.rows.length) body.deleteRow(-1);
    view.rows.forEach((r, i) => {
      const tr = body.rows[i] ?? body.insertRow();
      setCell(tr, 0, `${expiryLabel(r.expiryMs)} (${Number.isFinite(r.days) ? r.days.toFixed(1) : '–'}d)`);
      r.cells.forEach((c, j) => {
        const text = venueCellText(c);
        setCell(tr, j + 1, text, c.stale);
      });
      setCell(
        tr,
        view.venues.length + 1,
        r.spread === null ? '–' : `${(r.spread * 100).toFixed(2)} pts`,
        r.bad,
      );
    });
    d.dataset.rows = String(view.rows.length);
    d.dataset.venues = columns;
    d.dataset.spreads = String(view.rows.filter((r) => r.spread !== null).length);
    d.dataset.asOf = String(asOfMs);
    this.contributions.dataset.rows = String(view.contributions.length);
  }

  private rebuild(venues: readonly string[]): void {
    for (const [table, heads] of [
      [this.contributions, ['venue', 'quotes', 'expiries', 'fit weight']],
      [this.disagreement, ['expiry', ...venues.map((v) => `${v}: ATM · quotes · weight`), 'ATM spread']],
    ] as const) {
      table.replaceChildren();
      const head = table.createTHead().insertRow();
      heads.forEach((h, i) => {
        const th = document.createElement('th');
        const venue = table === this.disagreement ? venues[i - 1] : undefined;
        if (venue !== undefined) th.append(swatch(venueColour(venue)));
        th.append(h);
        head.appendChild(th);
      });
      table.createTBody();
    }
  }
}
