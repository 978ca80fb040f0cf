import { decodeMarketDataEvent } from './fast/decode-marketdata.ts';
import { decodeOrderBookEvent } from './fast/decode-orderbook.ts';
import { decodeVolatilityEvent } from './fast/decode-volatility.ts';
import { encodeMarketDataEvent } from './fast/encode-marketdata.ts';
import { encodeOrderBookEvent } from './fast/encode-orderbook.ts';
import { encodeVolatilityEvent } from './fast/encode-volatility.ts';
import { withFastCodec } from './fast/fast-topic.ts';
import {
  type MarketDataEvent,
  MarketDataEventSchema,
  type OrderBookEvent,
  OrderBookEventSchema,
  type SurfaceEvent,
  SurfaceEventSchema,
  type VolatilityEvent,
  VolatilityEventSchema,
} from './gen/volstream/v1/events_pb.ts';
import { SUPPORTED_SCHEMA_VERSIONS } from './header.ts';
import { marketDataKey, orderBookKey, surfaceKey, volatilityKey } from './keys.ts';
import { protoTopic, type TopicSpec } from './topic-spec.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const marketdataSpec = protoTopic({
  name: 'volstream.marketdata.v1',
  partitions: 24,
  retentionMs: 3 * DAY_MS,
  compacted: false,
  schema: MarketDataEventSchema,
  keyOf: marketDataKey,
});

/**
 * The topic registry: topic <-> envelope message <-> partition key. Partition counts and retention
 * are the production defaults (docs/CONTRACTS.md explains each); none is compacted because every
 * topic is an event log that replay and the storage writer read in full, and compaction by key
 * would silently drop deltas.
 */
export const TOPICS = {
  /**
   * Normalised venue data, key venue:instrument (index: venue:index_name). Highest volume, so it
   * encodes and decodes with the hand-written codec, identical to protobuf-es (src/fast/,
   * docs/CONTRACTS.md "Fast encoder and decoder").
   */
  marketdata: {
    ...marketdataSpec,
    encode: encodeMarketDataEvent,
    decode: (bytes: Uint8Array): MarketDataEvent => {
      const event = decodeMarketDataEvent(bytes);
      if (event?.header !== undefined && SUPPORTED_SCHEMA_VERSIONS.has(event.header.schemaVersion))
        return event;
      // Not handled by the fast path, no header or an unknown version: protoTopic decodes and throws.
      return marketdataSpec.decode(bytes);
    },
  },
  /** Conflated top-N books and forwards, key currency:expiry. Hand-written codec (src/fast/). */
  orderbook: withFastCodec(
    protoTopic({
      name: 'volstream.orderbook.v1',
      partitions: 12,
      retentionMs: 1 * DAY_MS,
      compacted: false,
      schema: OrderBookEventSchema,
      keyOf: orderBookKey,
    }),
    encodeOrderBookEvent,
    decodeOrderBookEvent,
  ),
  /** IV quote batches, key currency:expiry. Hand-written codec (src/fast/). */
  volatility: withFastCodec(
    protoTopic({
      name: 'volstream.volatility.v1',
      partitions: 12,
      retentionMs: 3 * DAY_MS,
      compacted: false,
      schema: VolatilityEventSchema,
      keyOf: volatilityKey,
    }),
    encodeVolatilityEvent,
    decodeVolatilityEvent,
  ),
  /** Smiles and surfaces, key currency. Few keys, so few partitions. */
  surface: protoTopic({
    name: 'volstream.surface.v1',
    partitions: 4,
    retentionMs: 7 * DAY_MS,
    compacted: false,
    schema: SurfaceEventSchema,
    keyOf: surfaceKey,
  }),
} as const;

export type TopicKey = keyof typeof TOPICS;

/** Message type carried by each registry entry, for code generic over topics. */
export interface TopicMessages {
  marketdata: MarketDataEvent;
  orderbook: OrderBookEvent;
  volatility: VolatilityEvent;
  surface: SurfaceEvent;
}

// Compile-time check that every entry satisfies the structural TopicSpec the bus uses.
const _structural: { [K in TopicKey]: TopicSpec<TopicMessages[K]> } = TOPICS;
void _structural;

/** All topic names, in pipeline order. */
export const TOPIC_NAMES: readonly string[] = Object.values(TOPICS).map((spec) => spec.name);

const byName = new Map<string, TopicSpec<unknown>>(
  Object.values(TOPICS).map((spec) => [spec.name, spec as unknown as TopicSpec<unknown>]),
);

/** The spec of a topic by its full name ('volstream.surface.v1'), or undefined. */
export function topicByName(name: string): TopicSpec<unknown> | undefined {
  return byName.get(name);
}
