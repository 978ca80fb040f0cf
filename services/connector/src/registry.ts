import { VolstreamError } from '@volstream/errors';
import type { VenueDefinition } from './venue.ts';
import { binance } from './venues/binance/index.ts';
import { bybit } from './venues/bybit/index.ts';
import { deribit } from './venues/deribit/index.ts';
import { okx } from './venues/okx/index.ts';

/**
 * The one list of venues. Adding a venue is a folder under `venues/` plus one line here
 * (docs/ADDING_A_VENUE.md); nothing else in the connector changes.
 */
export const VENUES: Readonly<Record<string, VenueDefinition>> = Object.freeze({
  [binance.name]: binance,
  [bybit.name]: bybit,
  [deribit.name]: deribit,
  [okx.name]: okx,
});

export function venueNames(): string[] {
  return Object.keys(VENUES).sort();
}

export function getVenue(name: string): VenueDefinition {
  const venue = VENUES[name];
  if (venue === undefined) {
    throw new VolstreamError(
      'CONFIG_INVALID',
      `Expected a venue among ${venueNames().join(', ')}, was '${name}'`,
      {
        context: { venue: name },
      },
    );
  }
  return venue;
}
