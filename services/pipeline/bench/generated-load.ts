// Market data for the end-to-end benchmarks without sockets: the exchange simulator's market model
// (any CalendarShape, so 1,000 to 8,000+ instruments) turned into contract events by the
// connector's own Deribit parse functions, encoded once. Every model step (100 ms of simulated
// time) changes every book and sends every ticker, as the simulator's feed does at full rate.
// At injection each record's receive time is patched in place to the wall clock (so receipt ->
// surface latency is measured), which needs the 9-byte varint the placeholder below encodes to.
import { TOPICS } from '@volstream/contracts';
import { type CalendarShape, type Currency, instrumentRow, Market } from '@volstream/exchange-sim';
import { init } from 'svi-core';
import type {
  DeribitBookData,
  DeribitInstrument,
  DeribitTickerData,
} from '../../connector/src/venues/deribit/messages.ts';
import {
  instrumentInfo,
  isRejection,
  parseBookDelta,
  parseBookSnapshot,
  parseInstrument,
  parseTicker,
} from '../../connector/src/venues/deribit/parse.ts';
import { bookChangeData, bookSnapshotData, tickerData } from '../../exchange-sim/src/deribit/messages.ts';

/** One record as the connector would produce it, with where its receive-time varint sits. */
export interface LoadRecord {
  readonly key: string;
  readonly value: Uint8Array;
  /** Offset of the 9-byte receive_time_ns varint in `value`. */
  readonly receiveAt: number;
}

export interface GeneratedLoad {
  /** Instrument events and first snapshots (inject first, untimed). */
  readonly setup: LoadRecord[];
  /** The steady flow: book changes and tickers. */
  readonly flow: LoadRecord[];
  readonly instruments: number;
}

const PLACEHOLDER_NS = 1_800_000_000_000_000_000n; // 2027: 9-byte varint like any 2021-2043 time
const ctx = { producerId: 'connector-deribit-bench' };

/** Offset of field 2 (receive_time_ns) of the header (field 1, written first by the encoder). */
function receiveOffset(bytes: Uint8Array): number {
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[pos++] as number;
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  if (bytes[pos++] !== 0x0a) throw new Error('Expected the header first');
  const end = varint() + pos;
  while (pos < end) {
    const tag = varint();
    if (tag === 0x10) return pos;
    const type = tag & 7;
    if (type === 0) varint();
    else if (type === 1) pos += 8;
    else if (type === 2) pos += varint();
    else throw new Error(`Unexpected wire type ${type}`);
  }
  throw new Error('Expected a receive time in the header');
}

/** The 9 varint bytes of `ns` (2^56 <= ns < 2^63). */
export function receiveVarint(ns: bigint): Uint8Array {
  const out = new Uint8Array(9);
  let v = ns;
  for (let i = 0; i < 9; i++) {
    out[i] = Number(v & 0x7fn) | (i < 8 ? 0x80 : 0);
    v >>= 7n;
  }
  if (v !== 0n) throw new Error('Expected a receive time below 2^63');
  return out;
}

function record(event: ReturnType<typeof parseBookDelta>): LoadRecord {
  event.header!.receiveTimeNs = PLACEHOLDER_NS;
  const value = TOPICS.marketdata.encode(event).slice();
  const receiveAt = receiveOffset(value);
  return { key: TOPICS.marketdata.keyOf(event), value, receiveAt };
}

/**
 * `messages` flow records (at least) of the instruments of the nearest expiries of `calendar`
 * (BTC and ETH), whole expiries, until `maxInstruments` instruments are listed.
 */
export async function generateLoad(options: {
  seed: number;
  calendar: CalendarShape;
  maxInstruments: number;
  messages: number;
}): Promise<GeneratedLoad> {
  await init();
  const start = Date.UTC(2026, 2, 2, 9, 0, 0);
  const currencies: Currency[] = ['BTC', 'ETH'];
  const market = new Market({ seed: options.seed, startTime: start, currencies, calendar: options.calendar });
  const all = [...market.instruments()].filter((i) => i.kind === 'option');
  const expiries = [...new Set(all.map((i) => i.expiry))].sort((a, b) => a - b);
  let chosen = all.filter((i) => i.expiry <= (expiries[0] as number));
  for (const e of expiries) {
    const next = all.filter((i) => i.expiry <= e);
    if (next.length > options.maxInstruments) break;
    chosen = next;
  }
  const insts = chosen.sort((a, b) => a.name.localeCompare(b.name));
  let receive = BigInt(start) * 1_000_000n;
  const infos = new Map<string, ReturnType<typeof instrumentInfo>>();
  const setup: LoadRecord[] = [];
  for (const inst of insts) {
    const row = instrumentRow(inst) as unknown as DeribitInstrument;
    infos.set(inst.name, instrumentInfo(row, 0));
    const event = parseInstrument(row, receive, ctx);
    setup.push({
      key: TOPICS.marketdata.keyOf(event),
      value: TOPICS.marketdata.encode(event).slice(),
      receiveAt: -1,
    });
  }
  for (const inst of insts) {
    const data = bookSnapshotData(market, inst) as unknown as DeribitBookData;
    setup.push(record(parseBookSnapshot(data, receive, ctx)));
  }
  const flow: LoadRecord[] = [];
  while (flow.length < options.messages) {
    market.advance(market.now + market.stepMs);
    receive += 100_000_000n;
    for (const inst of insts) {
      const u = market.updateBook(inst);
      const data = bookChangeData(market.now, inst.name, u.prev, u.changeId, u.bids, u.asks);
      flow.push(record(parseBookDelta(data as unknown as DeribitBookData, receive, ctx)));
      const t = parseTicker(
        tickerData(market, inst) as unknown as DeribitTickerData,
        infos.get(inst.name)!,
        receive,
        ctx,
      );
      if (!isRejection(t)) flow.push(record(t));
    }
  }
  return { setup: packed(setup), flow: packed(flow), instruments: insts.length };
}

/**
 * The same records as views over one buffer: hundreds of thousands of small ArrayBuffers cost the
 * bench's own GC (main thread) more than the pipeline's work at low rates.
 */
function packed(records: readonly LoadRecord[]): LoadRecord[] {
  let total = 0;
  for (const r of records) total += r.value.byteLength;
  const all = new Uint8Array(total);
  let at = 0;
  return records.map((r) => {
    all.set(r.value, at);
    const value = all.subarray(at, at + r.value.byteLength);
    at += r.value.byteLength;
    return { key: r.key, value, receiveAt: r.receiveAt };
  });
}
