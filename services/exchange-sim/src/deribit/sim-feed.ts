/**
 * The live-market backend: answers requests from the Market and, every tick, spends a message
 * budget (`rate` notifications per second across all sessions) on book+ticker updates of the
 * subscribed instruments in round-robin order, each instrument at most once per `minIntervalMs`
 * of simulated time (100 ms: the cadence of Deribit's `.100ms` channels). Every notification is
 * serialised once and the same bytes go to all its subscribers.
 */
import { textFrame } from '../ws-frame.ts';
import { type ChannelSpec, type Fanout, parseChannel } from './channels.ts';
import { CURRENCIES, type Currency, type Instrument, instrumentRow } from './instruments.ts';
import type { Market, MarketEvent } from './market.ts';
import {
  bookChangeData,
  bookSnapshotData,
  groupedBookData,
  indexData,
  markpriceData,
  stateData,
  tickerData,
} from './messages.ts';
import { notification, RPC_ERRORS, type RpcError } from './protocol.ts';
import type { Backend } from './rpc.ts';
import type { Session } from './session.ts';

/** markprice.options is published every this many model steps (1 s at 100 ms). */
const MARKPRICE_EVERY = 10;

export interface SimFeedOptions {
  /** Aggregate notifications per second (book + ticker, all sessions). */
  rate: number;
  /** Minimum simulated time between two updates of one instrument. */
  minIntervalMs: number;
  /** Wall-time cap on publishing per tick, ms. */
  maxSpendMs: number;
}

export interface FeedStats {
  bookChanges: number;
  tickers: number;
  deliveries: number;
  indexTicks: number;
  stateEvents: number;
}

export class SimFeed implements Backend {
  readonly stats: FeedStats = { bookChanges: 0, tickers: 0, deliveries: 0, indexTicks: 0, stateEvents: 0 };
  /** Set by the server: true while a connection's socket buffer is above the high-water mark. */
  congested: () => boolean = () => false;
  #budget = 0;
  #lastTick: number | undefined;
  #active: Instrument[] = [];
  #activeVersion = -1;
  #cursor = 0;
  readonly #depths = new Map<string, number | undefined>();
  /** Step of the last markprice.options message per currency (one per step at most). */
  readonly #markStep = new Map<string, number>();

  constructor(
    readonly market: Market,
    readonly fanout: Fanout<Session>,
    public options: SimFeedOptions,
  ) {}

  now(): number {
    return this.market.now;
  }

  accepts(spec: ChannelSpec): boolean {
    if (spec.kind === 'state') return true;
    if ('instrument' in spec) return this.market.byName.has(spec.instrument);
    return this.market.currencies.has(spec.currency);
  }

  onSubscribed(session: Session, channels: { channel: string; spec: ChannelSpec }[]): void {
    for (const { channel, spec } of channels) {
      if (spec.kind === 'book' || spec.kind === 'ticker') {
        const inst = this.market.byName.get(spec.instrument);
        if (inst === undefined) continue;
        const data =
          spec.kind === 'ticker'
            ? tickerData(this.market, inst)
            : spec.depth !== undefined
              ? groupedBookData(this.market, inst, spec.depth)
              : bookSnapshotData(this.market, inst);
        this.#sendOne(session, channel, JSON.stringify(data));
      }
    }
  }

  #sendOne(session: Session, channel: string, dataJson: string): void {
    session.push(textFrame(notification(channel, dataJson)), false);
  }

  getInstruments(params: Record<string, unknown>): unknown[] | RpcError {
    const currency = params.currency;
    const kind = params.kind;
    if (currency !== 'any' && !CURRENCIES.includes(currency as Currency)) {
      return { ...RPC_ERRORS.invalidParams, data: { reason: 'wrong format', param: 'currency' } };
    }
    if (kind !== undefined && kind !== 'option' && kind !== 'future') {
      return { ...RPC_ERRORS.invalidParams, data: { reason: 'wrong format', param: 'kind' } };
    }
    if (params.expired === true) return [];
    const rows: unknown[] = [];
    for (const inst of this.market.instruments()) {
      if (currency !== 'any' && inst.currency !== currency) continue;
      if (kind !== undefined && inst.kind !== kind) continue;
      rows.push(instrumentRow(inst));
    }
    return rows;
  }

  getIndexPrice(params: Record<string, unknown>): unknown {
    const name = params.index_name;
    const currency = name === 'btc_usd' ? 'BTC' : name === 'eth_usd' ? 'ETH' : undefined;
    const price = currency === undefined ? undefined : this.market.currencies.get(currency)?.index;
    if (price === undefined)
      return { ...RPC_ERRORS.invalidParams, data: { reason: 'wrong format', param: 'index_name' } };
    return { index_price: price, estimated_delivery_price: price };
  }

  /**
   * `public/get_order_book`: the ticker fields plus the book as `[price, amount]` levels (best
   * first, `depth` per side, default 20) and its current `change_id`.
   */
  orderBook(params: Record<string, unknown>): unknown {
    const inst =
      typeof params.instrument_name === 'string' ? this.market.byName.get(params.instrument_name) : undefined;
    if (inst === undefined) {
      return {
        ...RPC_ERRORS.invalidParams,
        data: { reason: 'instrument not found', param: 'instrument_name' },
      };
    }
    const depth = typeof params.depth === 'number' && params.depth > 0 ? Math.floor(params.depth) : 20;
    const ticker = tickerData(this.market, inst);
    const snap = inst.book.snapshot();
    return {
      ...ticker,
      change_id: inst.book.changeId,
      bids: snap.bids.slice(0, depth).map((e) => [e[1], e[2]]),
      asks: snap.asks.slice(0, depth).map((e) => [e[1], e[2]]),
    };
  }

  ticker(params: Record<string, unknown>): unknown {
    const inst =
      typeof params.instrument_name === 'string' ? this.market.byName.get(params.instrument_name) : undefined;
    if (inst === undefined) {
      return {
        ...RPC_ERRORS.invalidParams,
        data: { reason: 'instrument not found', param: 'instrument_name' },
      };
    }
    return tickerData(this.market, inst);
  }

  /** Advances the market to `simNow` and spends the message budget accrued since the last tick. */
  tick(simNow: number, wallMs: number): void {
    this.publishEvents(this.market.advance(simNow));
    const dt = this.#lastTick === undefined ? 0 : Math.max(0, wallMs - this.#lastTick);
    this.#lastTick = wallMs;
    // Cap the carried budget at 100 ms worth, so a stalled loop does not answer with a burst.
    this.#budget = Math.min(this.#budget + (this.options.rate * dt) / 1000, this.options.rate / 10 + 1);
    this.#spend();
  }

  /** Publishes `n` instrument updates now regardless of budget and interval (slow-consumer fault). */
  burst(n: number): void {
    this.#refreshActive();
    for (let i = 0; i < n && this.#active.length > 0; i++) {
      const inst = this.#active[this.#cursor % this.#active.length]!;
      this.#cursor = (this.#cursor + 1) % this.#active.length;
      this.updateInstrument(inst);
    }
  }

  #refreshActive(): void {
    if (this.#activeVersion === this.fanout.version) return;
    this.#activeVersion = this.fanout.version;
    this.#active = [];
    for (const name of this.fanout.activeInstruments()) {
      const inst = this.market.byName.get(name);
      if (inst !== undefined) this.#active.push(inst);
    }
    this.#cursor = this.#active.length === 0 ? 0 : this.#cursor % this.#active.length;
  }

  /**
   * Spends the budget, but for at most `maxSpendMs` of wall time per tick, so requests,
   * heartbeats and socket writes keep flowing when the asked rate exceeds what the machine can do.
   */
  #spend(): void {
    if (this.congested()) return;
    this.#refreshActive();
    const n = this.#active.length;
    const deadline = performance.now() + this.options.maxSpendMs;
    let idle = 0;
    let count = 0;
    while (this.#budget >= 1 && n > 0 && idle < n) {
      if ((++count & 63) === 0 && performance.now() > deadline) break;
      const inst = this.#active[this.#cursor]!;
      this.#cursor = (this.#cursor + 1) % n;
      if (inst.state !== 'open' || this.market.now - inst.lastUpdate < this.options.minIntervalMs) {
        idle++;
        continue;
      }
      idle = 0;
      this.#budget -= Math.max(1, this.updateInstrument(inst));
    }
  }

  /** One book change + ticker for an instrument, to every subscribed channel; returns deliveries. */
  updateInstrument(inst: Instrument): number {
    const channels = this.fanout.channelsOf(inst.name);
    const m = this.market;
    const u = m.updateBook(inst);
    if (channels === undefined) return 0;
    let bookJson: string | undefined;
    let tickerJson: string | undefined;
    let delivered = 0;
    for (const channel of channels) {
      const depth = this.#groupedDepth(channel);
      if (depth !== undefined) {
        delivered += this.fanout.publish(channel, JSON.stringify(groupedBookData(m, inst, depth)));
        this.stats.bookChanges++;
      } else if (channel.startsWith('book.')) {
        bookJson ??= JSON.stringify(bookChangeData(m.now, inst.name, u.prev, u.changeId, u.bids, u.asks));
        delivered += this.fanout.publish(channel, bookJson, true);
        this.stats.bookChanges++;
      } else {
        tickerJson ??= JSON.stringify(tickerData(m, inst));
        delivered += this.fanout.publish(channel, tickerJson);
        this.stats.tickers++;
      }
    }
    this.stats.deliveries += delivered;
    return delivered;
  }

  /** Depth of a grouped book channel, undefined for every other channel (cached per name). */
  #groupedDepth(channel: string): number | undefined {
    if (!channel.startsWith('book.')) return undefined;
    if (!this.#depths.has(channel)) {
      const spec = parseChannel(channel);
      this.#depths.set(channel, spec !== undefined && 'depth' in spec ? spec.depth : undefined);
    }
    return this.#depths.get(channel);
  }

  publishEvents(events: MarketEvent[]): void {
    const m = this.market;
    for (const e of events) {
      if (e.type === 'index') {
        const channel = `deribit_price_index.${e.currency.toLowerCase()}_usd`;
        if (this.fanout.count(channel) > 0)
          this.fanout.publish(channel, JSON.stringify(indexData(m, e.currency)));
        this.stats.indexTicks++;
        const marks = `markprice.options.${e.currency.toLowerCase()}_usd`;
        if (m.stepIndex % MARKPRICE_EVERY === 0 && this.#markStep.get(e.currency) !== m.stepIndex) {
          this.#markStep.set(e.currency, m.stepIndex);
          if (this.fanout.count(marks) > 0)
            this.fanout.publish(marks, JSON.stringify(markpriceData(m, e.currency)));
        }
        continue;
      }
      const json = JSON.stringify(stateData(m.now, e.name, e.state));
      for (const kind of [e.kind, 'any']) {
        for (const cur of [e.currency, 'any']) this.fanout.publish(`instrument.state.${kind}.${cur}`, json);
      }
      this.stats.stateEvents++;
      // Subscribers of an expired instrument's channels stop hearing about it, as on Deribit.
      if (e.state === 'closed') this.#dropChannelsOf(e.name);
    }
  }

  #dropChannelsOf(name: string): void {
    const channels = this.fanout.channelsOf(name);
    if (channels === undefined) return;
    for (const channel of [...channels]) {
      for (const s of [...(this.fanout.subscribers(channel) ?? [])]) {
        this.fanout.remove(channel, s);
        s.subs.delete(channel);
      }
    }
  }
}
