import { create } from '@bufbuild/protobuf';
import { type EventHeader, EventHeaderSchema } from './gen/volstream/v1/header_pb.ts';

/** Schema version written by this code into every EventHeader. */
export const SCHEMA_VERSION = 1;

/** Versions this code can decode; decode() rejects others with CONTRACT_UNSUPPORTED_SCHEMA_VERSION. */
export const SUPPORTED_SCHEMA_VERSIONS: ReadonlySet<number> = new Set([1]);

/** Run id of the live pipeline; replays use their own run id. */
export const LIVE_RUN_ID = 'live';

// Wall-clock nanoseconds: a Date.now() anchor plus the monotonic clock elapsed since, so consecutive
// readings never go backwards within a process and keep sub-millisecond resolution. Node's hrtime
// where it exists; `performance.now()` elsewhere (the dashboard imports the contracts in a browser).
const monotonicNs: () => bigint =
  typeof globalThis.process?.hrtime?.bigint === 'function'
    ? () => process.hrtime.bigint()
    : () => BigInt(Math.round(performance.now() * 1e6));
const anchorWallNs = BigInt(Date.now()) * 1_000_000n;
const anchorMonotonicNs = monotonicNs();

/** Current wall-clock time as Unix epoch nanoseconds (for receive_time_ns / publish_time_ns). */
export function nowNs(): bigint {
  return anchorWallNs + (monotonicNs() - anchorMonotonicNs);
}

export interface HeaderInit {
  /** Lower-case venue id ("deribit", ..., "composite"). */
  venue: string;
  /** Id of the producing process instance. */
  producerId: string;
  /** Deterministic idempotency id, see eventId(). */
  eventId: string;
  /** Venue event time, epoch ms (derived events copy their input's). */
  exchangeTimeMs: bigint | number;
  /** Local receive time of the causing venue message, epoch ns (derived events copy their input's). */
  receiveTimeNs: bigint;
  /** Venue or producer sequence; 0 when there is none. */
  sourceSequence?: bigint | number;
  /** Defaults to nowNs() at the call. */
  publishTimeNs?: bigint;
  /** Defaults to "live". */
  runId?: string;
}

/** Builds an EventHeader with schema_version = SCHEMA_VERSION and the defaults above. */
export function newHeader(init: HeaderInit): EventHeader {
  return create(EventHeaderSchema, {
    exchangeTimeMs: BigInt(init.exchangeTimeMs),
    receiveTimeNs: init.receiveTimeNs,
    venue: init.venue,
    sourceSequence: BigInt(init.sourceSequence ?? 0),
    producerId: init.producerId,
    eventId: init.eventId,
    schemaVersion: SCHEMA_VERSION,
    publishTimeNs: init.publishTimeNs ?? nowNs(),
    runId: init.runId ?? LIVE_RUN_ID,
  });
}
