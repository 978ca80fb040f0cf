/**
 * Deribit subscription channels the simulator serves, and the fan-out from a channel to the
 * sessions subscribed to it. https://docs.deribit.com/#subscriptions
 * - `book.{instrument}.{raw|100ms|agg2}`: snapshot on subscribe, then changes (book.ts);
 * - `book.{instrument}.none.{1|10|20}.{100ms|agg2}`: the top N levels as `[price, amount]`, whole, each time;
 * - `ticker.{instrument}.{raw|100ms|agg2}`: the full ticker object each time;
 * - `trades.{instrument}.{raw|100ms|agg2}`: accepted (the 2021 capture subscribes it), no trades are simulated;
 * - `deribit_price_index.{btc_usd|eth_usd}`;
 * - `markprice.options.{btc_usd|eth_usd}`: every option's mark and mark IV (decimal), once a second;
 * - `instrument.state.{option|future|any}.{BTC|ETH|any}`: created / closed / settled.
 */
import { textFrame } from '../ws-frame.ts';
import { notification } from './protocol.ts';

export type ChannelSpec =
  | { kind: 'book' | 'ticker' | 'trades'; instrument: string; interval: string; depth?: number }
  | { kind: 'index' | 'markprice'; currency: 'BTC' | 'ETH' }
  | { kind: 'state'; instrumentKind: 'option' | 'future' | 'any'; currency: 'BTC' | 'ETH' | 'any' };

const INTERVALS = new Set(['raw', '100ms', 'agg2']);
const GROUPED_INTERVALS = new Set(['100ms', 'agg2']);

/** Parses a channel name; undefined when the simulator does not serve it. */
export function parseChannel(channel: string): ChannelSpec | undefined {
  const parts = channel.split('.');
  const [head] = parts;
  if ((head === 'book' || head === 'ticker' || head === 'trades') && parts.length === 3) {
    const interval = parts[2] ?? '';
    if (!INTERVALS.has(interval)) return undefined;
    return { kind: head, instrument: parts[1] ?? '', interval };
  }
  // Grouped snapshots `book.{instrument}.{group}.{depth}.{interval}`; only group `none` is served.
  if (head === 'book' && parts.length === 5) {
    const depth = Number(parts[3]);
    if (parts[2] !== 'none' || ![1, 10, 20].includes(depth) || !GROUPED_INTERVALS.has(parts[4] ?? ''))
      return undefined;
    return { kind: 'book', instrument: parts[1] ?? '', interval: parts[4] ?? '', depth };
  }
  if (head === 'deribit_price_index' && parts.length === 2) {
    if (parts[1] === 'btc_usd') return { kind: 'index', currency: 'BTC' };
    if (parts[1] === 'eth_usd') return { kind: 'index', currency: 'ETH' };
    return undefined;
  }
  if (head === 'markprice' && parts[1] === 'options' && parts.length === 3) {
    if (parts[2] === 'btc_usd') return { kind: 'markprice', currency: 'BTC' };
    if (parts[2] === 'eth_usd') return { kind: 'markprice', currency: 'ETH' };
    return undefined;
  }
  if (head === 'instrument' && parts[1] === 'state' && parts.length === 4) {
    const k = parts[2];
    const c = parts[3];
    if ((k === 'option' || k === 'future' || k === 'any') && (c === 'BTC' || c === 'ETH' || c === 'any')) {
      return { kind: 'state', instrumentKind: k, currency: c };
    }
  }
  return undefined;
}

/** Anything that can receive encoded frames (a session). */
export interface Subscriber {
  /** `droppable` marks book changes, which the dropped-delta fault may withhold. */
  push(frame: Buffer, droppable: boolean): boolean;
}

/**
 * channel → subscribers, plus instrument → its subscribed channels, so one instrument update
 * finds the few channels to encode without scanning every subscription.
 */
export class Fanout<S extends Subscriber> {
  readonly #subs = new Map<string, Set<S>>();
  readonly #byInstrument = new Map<string, Set<string>>();
  /** Bumped on every change, so feeds can rebuild their active-instrument lists lazily. */
  version = 0;

  add(channel: string, spec: ChannelSpec, s: S): boolean {
    let set = this.#subs.get(channel);
    if (set === undefined) {
      set = new Set();
      this.#subs.set(channel, set);
      if (spec.kind === 'book' || spec.kind === 'ticker') {
        let chans = this.#byInstrument.get(spec.instrument);
        if (chans === undefined) {
          chans = new Set();
          this.#byInstrument.set(spec.instrument, chans);
        }
        chans.add(channel);
      }
    }
    if (set.has(s)) return false;
    set.add(s);
    this.version++;
    return true;
  }

  remove(channel: string, s: S): boolean {
    const set = this.#subs.get(channel);
    if (set === undefined || !set.delete(s)) return false;
    if (set.size === 0) {
      this.#subs.delete(channel);
      const spec = parseChannel(channel);
      if (spec !== undefined && (spec.kind === 'book' || spec.kind === 'ticker')) {
        const chans = this.#byInstrument.get(spec.instrument);
        chans?.delete(channel);
        if (chans !== undefined && chans.size === 0) this.#byInstrument.delete(spec.instrument);
      }
    }
    this.version++;
    return true;
  }

  subscribers(channel: string): Set<S> | undefined {
    return this.#subs.get(channel);
  }

  /** Subscribed book/ticker channels of one instrument. */
  channelsOf(instrument: string): Set<string> | undefined {
    return this.#byInstrument.get(instrument);
  }

  /** Instruments with at least one book or ticker subscriber. */
  activeInstruments(): IterableIterator<string> {
    return this.#byInstrument.keys();
  }

  /** Encodes once and pushes to every subscriber; returns how many received it. */
  publish(channel: string, dataJson: string, droppable = false): number {
    const set = this.#subs.get(channel);
    if (set === undefined || set.size === 0) return 0;
    const frame = textFrame(notification(channel, dataJson));
    let n = 0;
    for (const s of set) if (s.push(frame, droppable)) n++;
    return n;
  }

  /** Number of subscribers of a channel. */
  count(channel: string): number {
    return this.#subs.get(channel)?.size ?? 0;
  }
}
