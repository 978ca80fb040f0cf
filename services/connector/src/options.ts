import { COMMON_OPTIONS, enumOf, int, list, string, url } from '@volstream/config';
import { VENUE_NAMES } from './venue-names.ts';

/**
 * Settings of `volstream connector` and of the service's main.ts (flags > env > defaults).
 * Import-light on purpose (exported as `@volstream/connector/options`): `--help` loads no venue.
 * Venue tuning that tests need (short heartbeats) is not a flag: it goes through `tuning` in code.
 */
export const CONNECTOR_OPTIONS = {
  venue: enumOf(VENUE_NAMES)
    .default('deribit')
    .env('VOLSTREAM_VENUE')
    .flag('venue')
    .describe('Venue to connect to.'),
  url: url({ protocols: ['ws', 'wss'] })
    .optional()
    .env('VOLSTREAM_CONNECTOR_URL')
    .flag('url')
    .describe(
      "Venue websocket URL (default: the venue's public endpoint; a simulator's ws:// URL in tests).",
    ),
  currencies: list(string())
    .default(['BTC', 'ETH'])
    .env('VOLSTREAM_CURRENCIES')
    .flag('currencies')
    .describe('Base coins to follow, comma-separated.'),
  connections: int({ min: 1, max: 32 })
    .default(4)
    .env('VOLSTREAM_CONNECTOR_CONNECTIONS')
    .flag('connections')
    .describe('Websocket connections the subscriptions are sharded over (Deribit allows ~32 per IP).'),
  heartbeatInterval: int({ min: 1, max: 3600 })
    .default(10)
    .env('VOLSTREAM_HEARTBEAT_INTERVAL')
    .flag('heartbeat-interval')
    .describe('public/set_heartbeat interval in seconds (Deribit minimum 10; simulators accept less).'),
  producerId: string()
    .optional()
    .env('VOLSTREAM_PRODUCER_ID')
    .flag('producer-id')
    .describe('Producer id in event headers (default connector-<venue>-0).'),
  sink: string()
    .default('bus')
    .env('VOLSTREAM_CONNECTOR_SINK')
    .flag('sink')
    .describe("Where events go: 'bus' (volstream.marketdata.v1) or 'file:PATH' (JSON lines)."),
  bus: COMMON_OPTIONS.bus,
  brokers: COMMON_OPTIONS.brokers,
  kafkaIdempotent: COMMON_OPTIONS.kafkaIdempotent,
  logLevel: COMMON_OPTIONS.logLevel,
} as const;
