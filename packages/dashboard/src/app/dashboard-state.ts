/**
 * What the dashboard knows: the latest surface per (venue, currency) and the latest smile per
 * (venue, currency, expiry), replaced on every Snapshot/Update (conflating, like the gateway's
 * store), plus message counters for the status line. No DOM here.
 */
import type { Smile, Snapshot, Surface, Update } from '@volstream/contracts';

export interface Selection {
  currency: string;
  venue: string;
  /** Selected expiry for the smile panel; undefined picks the first listed. */
  expiryMs: number | undefined;
}

/**
 * The value a selector shows: the user's choice while it is listed; until the user chooses, the
 * first of the sorted list, so the default moves to BTC or `composite` when it appears after
 * another currency or venue did (a run's first surfaces come in any order).
 */
export function selectedOf(current: string, listed: readonly string[], userChose: boolean): string {
  if (userChose && listed.includes(current)) return current;
  return listed[0] ?? '';
}

export class DashboardState {
  readonly surfaces = new Map<string, Surface>();
  readonly smiles = new Map<string, Smile>();
  messages = 0;
  snapshots = 0;
  /** Wall time of the last applied message, ms. */
  lastMessageMs = 0;
  /** Stable, sorted currency and venue lists, so selectors do not reorder under the user. */
  readonly currencies = new Set<string>();
  readonly venues = new Set<string>();

  applySnapshot(snapshot: Snapshot, nowMs: number): void {
    this.snapshots += 1;
    this.surfaces.clear();
    this.smiles.clear();
    for (const s of snapshot.surfaces) this.putSurface(s);
    for (const s of snapshot.smiles) this.putSmile(s);
    this.touch(nowMs);
  }

  applyUpdate(update: Update, nowMs: number): void {
    const p = update.payload;
    if (p.case === 'surface') this.putSurface(p.value);
    else if (p.case === 'smile') this.putSmile(p.value);
    else return;
    this.touch(nowMs);
  }

  surface(sel: Selection): Surface | undefined {
    return this.surfaces.get(`${sel.venue}|${sel.currency}`);
  }

  /** Smiles of the selection newer than the surface's (per-expiry updates between surfaces). */
  smilesOf(sel: Selection): Smile[] {
    const out: Smile[] = [];
    for (const s of this.smiles.values())
      if (s.venue === sel.venue && s.currency === sel.currency) out.push(s);
    return out;
  }

  sortedCurrencies(): string[] {
    return [...this.currencies].sort();
  }

  /** "composite" first, then venues alphabetically. */
  sortedVenues(): string[] {
    return [...this.venues].sort((a, b) =>
      a === 'composite' ? -1 : b === 'composite' ? 1 : a.localeCompare(b),
    );
  }

  private putSurface(s: Surface): void {
    this.surfaces.set(`${s.venue}|${s.currency}`, s);
    this.currencies.add(s.currency);
    this.venues.add(s.venue);
  }

  private putSmile(s: Smile): void {
    this.smiles.set(`${s.venue}|${s.currency}|${s.expiryMs}`, s);
    this.currencies.add(s.currency);
    this.venues.add(s.venue);
  }

  private touch(nowMs: number): void {
    this.messages += 1;
    this.lastMessageMs = nowMs;
  }
}

/** Messages per second over a sliding window (for the status line). */
export class RateMeter {
  private readonly stamps: number[] = [];

  constructor(private readonly windowMs = 5000) {}

  hit(nowMs: number): void {
    this.stamps.push(nowMs);
    this.trim(nowMs);
  }

  rate(nowMs: number): number {
    this.trim(nowMs);
    return (this.stamps.length * 1000) / this.windowMs;
  }

  private trim(nowMs: number): void {
    while (this.stamps.length > 0 && (this.stamps[0] ?? 0) <= nowMs - this.windowMs) this.stamps.shift();
  }
}
