import { type Smile, type StreamFilter, StreamKind, type Surface } from '@volstream/contracts';
import { GatewayError } from '../errors.ts';
import type { StateChange } from '../state-store.ts';

/** A validated subscription filter; an empty set matches everything. */
export interface Filter {
  readonly currencies: ReadonlySet<string>;
  readonly venues: ReadonlySet<string>;
  readonly expiries: ReadonlySet<bigint>;
  readonly tenors: ReadonlySet<number>;
  readonly smiles: boolean;
  readonly surfaces: boolean;
}

const CURRENCY = /^[A-Z0-9]{1,16}$/;
const VENUE = /^[a-z0-9_-]{1,32}$/;
const MAX_LIST = 64;

function checkList<T>(name: string, values: readonly T[], ok: (v: T) => boolean): Set<T> {
  if (values.length > MAX_LIST) {
    throw new GatewayError('STREAM_BAD_MESSAGE', {
      detail: `${name} with ${values.length} entries (max ${MAX_LIST})`,
    });
  }
  for (const v of values) {
    if (!ok(v))
      throw new GatewayError('STREAM_BAD_MESSAGE', { detail: `a filter with ${name} entry '${String(v)}'` });
  }
  return new Set(values);
}

/** Validates a client's StreamFilter (absent = everything) or throws STREAM_BAD_MESSAGE. */
export function toFilter(raw: StreamFilter | undefined): Filter {
  const kinds = raw?.kinds ?? [];
  for (const k of kinds) {
    if (k !== StreamKind.SMILE && k !== StreamKind.SURFACE) {
      throw new GatewayError('STREAM_BAD_MESSAGE', { detail: `a filter with kinds entry ${k}` });
    }
  }
  return {
    currencies: checkList('currencies', raw?.currencies ?? [], (c) => CURRENCY.test(c)),
    venues: checkList('venues', raw?.venues ?? [], (v) => VENUE.test(v)),
    expiries: checkList('expiriesMs', raw?.expiriesMs ?? [], (e) => e > 0n),
    tenors: checkList('tenorDays', raw?.tenorDays ?? [], (t) => t >= 1 && t <= 3650),
    smiles: kinds.length === 0 || kinds.includes(StreamKind.SMILE),
    surfaces: kinds.length === 0 || kinds.includes(StreamKind.SURFACE),
  };
}

function admits(set: ReadonlySet<string>, value: string): boolean {
  return set.size === 0 || set.has(value);
}

export function matchSmile(filter: Filter, smile: Smile): boolean {
  return (
    filter.smiles &&
    admits(filter.currencies, smile.currency) &&
    admits(filter.venues, smile.venue) &&
    (filter.expiries.size === 0 || filter.expiries.has(smile.expiryMs))
  );
}

/**
 * The surface as this filter sends it, or undefined. Expiry and tenor filters trim the surface's
 * smiles/expiries and tenors/risk nodes; without them the same object is returned, so its encoding
 * is shared by every such subscriber.
 */
export function viewSurface(filter: Filter, surface: Surface): Surface | undefined {
  if (
    !filter.surfaces ||
    !admits(filter.currencies, surface.currency) ||
    !admits(filter.venues, surface.venue)
  ) {
    return undefined;
  }
  if (filter.expiries.size === 0 && filter.tenors.size === 0) return surface;
  const e = filter.expiries;
  const t = filter.tenors;
  return {
    ...surface,
    smiles: e.size === 0 ? surface.smiles : surface.smiles.filter((s) => e.has(s.expiryMs)),
    expiries: e.size === 0 ? surface.expiries : surface.expiries.filter((x) => e.has(x.expiryMs)),
    tenors: t.size === 0 ? surface.tenors : surface.tenors.filter((x) => t.has(x.tenorDays)),
    riskNodes: t.size === 0 ? surface.riskNodes : surface.riskNodes.filter((x) => t.has(x.tenorDays)),
  };
}

/** The payload of a change as this filter sends it, or undefined when it does not match. */
export function viewChange(
  filter: Filter,
  change: StateChange,
): { smile: Smile } | { surface: Surface } | undefined {
  if (change.kind === 'smile') return matchSmile(filter, change.smile) ? { smile: change.smile } : undefined;
  const surface = viewSurface(filter, change.surface);
  return surface === undefined ? undefined : { surface };
}
