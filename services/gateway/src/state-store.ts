import type { Smile, Surface, SurfaceEvent } from '@volstream/contracts';

/** One change the store accepted, as stream subscribers see it. */
export type StateChange =
  | { kind: 'smile'; key: string; smile: Smile }
  | { kind: 'surface'; key: string; surface: Surface };

export type ChangeListener = (change: StateChange) => void;

export function smileKey(venue: string, currency: string, expiryMs: bigint): string {
  return `${venue}|${currency}|${expiryMs}`;
}

export function surfaceKeyOf(venue: string, currency: string): string {
  return `${venue}|${currency}`;
}

/**
 * Latest state of the surface topic: the newest smile per (venue, currency, expiry) and the newest
 * surface per (venue or "composite", currency). Conflating by construction: older versions are
 * replaced, never queued, so memory is bounded by the number of keys whatever the update rate.
 * A surface's own smiles also refresh the smile map (a client asking for one expiry sees the
 * smile the surface was built from).
 */
export class StateStore {
  private readonly smiles = new Map<string, Smile>();
  private readonly surfaces = new Map<string, Surface>();
  private readonly listeners = new Set<ChangeListener>();
  private lastUpdateMs = 0;

  /** Applies one surface-topic event; returns false when it carried no payload (ignored). */
  apply(event: SurfaceEvent, nowMs = Date.now()): boolean {
    const payload = event.payload;
    if (payload.case === 'smile') {
      this.putSmile(payload.value);
    } else if (payload.case === 'surface') {
      this.putSurface(payload.value);
    } else {
      return false;
    }
    this.lastUpdateMs = nowMs;
    return true;
  }

  putSmile(smile: Smile): void {
    const key = smileKey(smile.venue, smile.currency, smile.expiryMs);
    this.smiles.set(key, smile);
    this.emit({ kind: 'smile', key, smile });
  }

  putSurface(surface: Surface): void {
    const key = surfaceKeyOf(surface.venue, surface.currency);
    this.surfaces.set(key, surface);
    // Expired expiries drop out of the smile map once a newer surface no longer lists them.
    const listed = new Set(surface.smiles.map((s) => s.expiryMs));
    for (const [k, smile] of this.smiles) {
      if (smile.venue === surface.venue && smile.currency === surface.currency) {
        if (!listed.has(smile.expiryMs) && smile.expiryMs < surface.asOfMs) this.smiles.delete(k);
      }
    }
    for (const smile of surface.smiles)
      this.smiles.set(smileKey(smile.venue, smile.currency, smile.expiryMs), smile);
    this.emit({ kind: 'surface', key, surface });
  }

  surface(venue: string, currency: string): Surface | undefined {
    return this.surfaces.get(surfaceKeyOf(venue, currency));
  }

  smile(venue: string, currency: string, expiryMs: bigint): Smile | undefined {
    return this.smiles.get(smileKey(venue, currency, expiryMs));
  }

  allSurfaces(): Surface[] {
    return [...this.surfaces.values()];
  }

  /** Smiles sorted by venue, currency, expiry. */
  allSmiles(): Smile[] {
    return [...this.smiles.values()].sort(
      (a, b) =>
        a.venue.localeCompare(b.venue) ||
        a.currency.localeCompare(b.currency) ||
        (a.expiryMs < b.expiryMs ? -1 : a.expiryMs > b.expiryMs ? 1 : 0),
    );
  }

  /** Epoch ms of the last accepted event, 0 before any. */
  lastUpdate(): number {
    return this.lastUpdateMs;
  }

  counts(): { smiles: number; surfaces: number } {
    return { smiles: this.smiles.size, surfaces: this.surfaces.size };
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: StateChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
