// Test inputs for the pipeline workers, made with the connector's own pure parse functions:
// the real 2021 Deribit capture (../shared/data, never copied into the repo) and a deterministic
// run of the exchange simulator's market model (no sockets: the same `data` objects its server sends).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MarketDataEvent } from '@volstream/contracts';
import { instrumentRow, Market } from '@volstream/exchange-sim';
import { init } from 'svi-core';
import type {
  DeribitBookData,
  DeribitInstrument,
  DeribitTickerData,
} from '../../../connector/src/venues/deribit/messages.ts';
import {
  instrumentInfo,
  isRejection,
  parseBookDelta,
  parseBookSnapshot,
  parseInstrument,
  parseTicker,
  validateBook,
  validateInstrument,
} from '../../../connector/src/venues/deribit/parse.ts';
import { bookChangeData, bookSnapshotData, tickerData } from '../../../exchange-sim/src/deribit/messages.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
export const SHARED_DATA = join(ROOT, '..', 'shared', 'data');
const CAPTURE_DIR = join(SHARED_DATA, 'deribit_ws_capture_2021-07-22');
const ctx = { producerId: 'connector-deribit-test' };

function recordedInstruments(): Map<string, DeribitInstrument> {
  const out = new Map<string, DeribitInstrument>();
  const text = readFileSync(join(CAPTURE_DIR, 'DERIBIT.0.rest_get_instruments.txt'), 'utf8');
  for (const line of text.split('\n')) {
    const match = / -> [\d.]+: (\{.*\})$/.exec(line);
    if (match === null) continue;
    const body = JSON.parse(match[1]!) as { result?: unknown[] };
    for (const row of body.result ?? []) {
      if (validateInstrument(row) === undefined) {
        const r = row as DeribitInstrument;
        out.set(r.instrument_name, r);
      }
    }
  }
  return out;
}

const nsOf = (epochSeconds: number): bigint => BigInt(Math.round(epochSeconds * 1e6)) * 1000n;

/**
 * The 2021-07-22 capture as the connector would publish it: Instrument events of the subscribed
 * options (from the recorded get_instruments reply), then book snapshots/deltas and tickers in
 * receive order. `withInstruments: false` leaves the Instrument events out (a restarted worker).
 */
export function captureEvents(withInstruments = true): MarketDataEvent[] {
  const rows = recordedInstruments();
  const lines = readFileSync(join(CAPTURE_DIR, 'DERIBIT.ws.1.0.txt'), 'utf8').split('\n');
  const frames: { epoch: number; channel: string; data: unknown }[] = [];
  for (const line of lines) {
    const match = /^(\d+\.\d+): (\{.*\})$/.exec(line);
    if (match === null) continue;
    const msg = JSON.parse(match[2]!) as { params?: { channel?: string; data?: unknown } };
    if (msg.params?.channel === undefined) continue;
    frames.push({ epoch: Number(match[1]), channel: msg.params.channel, data: msg.params.data });
  }
  const names = new Set(frames.map((f) => f.channel.split('.')[1]!));
  const out: MarketDataEvent[] = [];
  if (withInstruments) {
    const first = nsOf(frames[0]!.epoch);
    for (const name of [...names].sort()) {
      const row = rows.get(name);
      if (row !== undefined) out.push(parseInstrument(row, first, ctx));
    }
  }
  for (const f of frames) {
    const receive = nsOf(f.epoch);
    if (f.channel.startsWith('book.')) {
      const data = f.data as DeribitBookData;
      if (validateBook(data) !== undefined) continue;
      out.push(
        data.type === 'snapshot' ? parseBookSnapshot(data, receive, ctx) : parseBookDelta(data, receive, ctx),
      );
    } else if (f.channel.startsWith('ticker.')) {
      const data = f.data as DeribitTickerData;
      const row = rows.get(data.instrument_name);
      if (row === undefined) continue;
      const parsed = parseTicker(data, instrumentInfo(row, 0), receive, ctx);
      if (!isRejection(parsed)) out.push(parsed);
    }
  }
  return out;
}

export interface SimInputs {
  events: MarketDataEvent[];
  market: Market;
  /** The venue frames (JSON text) of the book changes and tickers, for JSON.parse baselines. */
  frames: string[];
}

const frame = (channel: string, data: unknown): string =>
  JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { channel, data } });

/**
 * A deterministic simulator run: instruments of the `expiries` nearest BTC expiries, a snapshot of
 * each book, then `steps` model steps of 100 ms in which every book changes and every ticker is
 * sent (with the forward as `underlying_price`). Same seed -> same events.
 */
export async function simulatorEvents(seed: number, steps: number, expiries = 2): Promise<SimInputs> {
  await init();
  const start = Date.UTC(2026, 2, 2, 9, 0, 0);
  const market = new Market({ seed, startTime: start, currencies: ['BTC'] });
  const all = [...market.instruments()].filter((i) => i.kind === 'option');
  const chosen = [...new Set(all.map((i) => i.expiry))].sort((a, b) => a - b).slice(0, expiries);
  const insts = all.filter((i) => chosen.includes(i.expiry)).sort((a, b) => a.name.localeCompare(b.name));
  const events: MarketDataEvent[] = [];
  const frames: string[] = [];
  let receive = BigInt(start) * 1_000_000n;
  const next = (): bigint => {
    receive += 250_000n;
    return receive;
  };
  const infos = new Map<string, ReturnType<typeof instrumentInfo>>();
  for (const inst of insts) {
    const row = instrumentRow(inst) as unknown as DeribitInstrument;
    infos.set(inst.name, instrumentInfo(row, 0));
    events.push(parseInstrument(row, next(), ctx));
  }
  for (const inst of insts) {
    events.push(parseBookSnapshot(bookSnapshotData(market, inst) as unknown as DeribitBookData, next(), ctx));
  }
  for (let s = 0; s < steps; s++) {
    market.advance(market.now + market.stepMs);
    for (const inst of insts) {
      const u = market.updateBook(inst);
      const data = bookChangeData(market.now, inst.name, u.prev, u.changeId, u.bids, u.asks);
      events.push(parseBookDelta(data as unknown as DeribitBookData, next(), ctx));
      frames.push(frame(`book.${inst.name}.100ms`, data));
      const tick = tickerData(market, inst);
      frames.push(frame(`ticker.${inst.name}.100ms`, tick));
      const ticker = parseTicker(tick as unknown as DeribitTickerData, infos.get(inst.name)!, next(), ctx);
      if (!isRejection(ticker)) events.push(ticker);
    }
  }
  return { events, market, frames };
}
