/**
 * Replays a real recorded Deribit session in the cryptofeed capture format
 * (../shared/data/README.md): `URL <-> epoch` (connection opened), `URL <- epoch: {json}` (sent by
 * the client), `epoch: {json}` (received). The received notifications are sent again, at the
 * recorded pace divided by `speed` (0 or Infinity: as fast as the loop goes), to every session
 * subscribed to the same kind and instrument (the channel name is rewritten when the client
 * asked for another interval, e.g. `.100ms` instead of the recorded `.raw`). The clock starts at
 * the first subscribe. `public/get_instruments` is answered from the REST capture beside the file
 * (`URL -> epoch: {json}` lines). Stats count every recorded message and every message sent, per
 * channel, so a connector test can account for each one.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type ChannelSpec, type Fanout, parseChannel } from './channels.ts';
import { RPC_ERRORS, type RpcError } from './protocol.ts';
import type { TickingBackend } from './server.ts';
import type { Session } from './session.ts';

interface Recorded {
  /** Receive time, ms. */
  at: number;
  channel: string;
  key: string;
  /** The recorded `data` as JSON text. */
  dataJson: string;
  /** The recorded line's JSON, sent as is when the client's channel equals the recorded one. */
  raw: string;
}

export interface ReplayStats {
  file: string;
  recorded: { total: number; book: number; ticker: number; other: number; byChannel: Record<string, number> };
  sent: { total: number; byChannel: Record<string, number> };
  /** Recorded messages nobody was subscribed to when they came due. */
  skipped: number;
  recordedSubscriptions: string[];
  started: boolean;
  /** Every recorded message was sent, at least 250 ms ago. */
  done: boolean;
}

const DEFAULT_REST = 'DERIBIT.0.rest_get_instruments.txt';
const MAX_PER_TICK = 20_000;
const DONE_GRACE_MS = 250;

/** `book` + instrument: recorded and subscribed channels match on this, not on the interval. */
function keyOf(spec: ChannelSpec): string | undefined {
  if (spec.kind === 'book' || spec.kind === 'ticker' || spec.kind === 'trades') {
    // A grouped book (top-N snapshots) is not the same stream as the delta book.
    return `${spec.kind}${spec.depth === undefined ? '' : `-${spec.depth}`}|${spec.instrument}`;
  }
  return undefined;
}

export class ReplayFeed implements TickingBackend {
  readonly #messages: Recorded[];
  readonly #instruments: Map<string, Record<string, unknown>[]>;
  readonly #stats: ReplayStats;
  /** Instrument names the replay knows (REST rows and recorded channels). */
  readonly #known = new Set<string>();
  #cursor = 0;
  #wallStart: number | undefined;
  #recordStart = 0;
  #lastSendWall = 0;

  private constructor(
    readonly fanout: Fanout<Session>,
    file: string,
    messages: Recorded[],
    instruments: Map<string, Record<string, unknown>[]>,
    subscriptions: string[],
    readonly speed: number,
  ) {
    this.#messages = messages;
    this.#instruments = instruments;
    for (const rows of instruments.values()) {
      for (const r of rows) if (typeof r.instrument_name === 'string') this.#known.add(r.instrument_name);
    }
    for (const m of messages) {
      const spec = parseChannel(m.channel);
      if (spec !== undefined && 'instrument' in spec) this.#known.add(spec.instrument);
    }
    const byChannel: Record<string, number> = {};
    let book = 0;
    let ticker = 0;
    for (const m of messages) {
      byChannel[m.channel] = (byChannel[m.channel] ?? 0) + 1;
      if (m.channel.startsWith('book.')) book++;
      else if (m.channel.startsWith('ticker.')) ticker++;
    }
    this.#stats = {
      file,
      recorded: { total: messages.length, book, ticker, other: messages.length - book - ticker, byChannel },
      sent: { total: 0, byChannel: {} },
      skipped: 0,
      recordedSubscriptions: subscriptions,
      started: false,
      done: messages.length === 0,
    };
  }

  static async load(
    fanout: Fanout<Session>,
    options: { file: string; restFile?: string; speed?: number },
  ): Promise<ReplayFeed> {
    const text = await readFile(options.file, 'utf8');
    const { messages, subscriptions } = parseCapture(text);
    const restPath = options.restFile ?? join(dirname(options.file), DEFAULT_REST);
    let instruments = new Map<string, Record<string, unknown>[]>();
    try {
      instruments = parseRest(await readFile(restPath, 'utf8'));
    } catch (error) {
      if (options.restFile !== undefined) throw error;
    }
    const speed = options.speed ?? 1;
    return new ReplayFeed(fanout, options.file, messages, instruments, subscriptions, speed);
  }

  statsSnapshot(): ReplayStats {
    return structuredClone(this.#stats);
  }

  now(): number {
    return this.#messages[Math.min(this.#cursor, this.#messages.length - 1)]?.at ?? Date.now();
  }

  /** Index and state channels, and instrument channels of recorded or REST-listed instruments. */
  accepts(spec: ChannelSpec): boolean {
    if (!('instrument' in spec)) return true;
    return this.#known.has(spec.instrument);
  }

  onSubscribed(_session: Session, channels: { channel: string; spec: ChannelSpec }[]): void {
    if (channels.length > 0 && this.#wallStart === undefined) {
      this.#wallStart = Date.now();
      this.#recordStart = this.#messages[0]?.at ?? 0;
      this.#stats.started = true;
    }
  }

  getInstruments(params: Record<string, unknown>): unknown[] | RpcError {
    const currency = params.currency;
    if (typeof currency !== 'string')
      return { ...RPC_ERRORS.invalidParams, data: { reason: 'wrong format', param: 'currency' } };
    const rows =
      currency === 'any' ? [...this.#instruments.values()].flat() : (this.#instruments.get(currency) ?? []);
    return params.kind === undefined ? rows : rows.filter((r) => r.kind === params.kind);
  }

  getIndexPrice(): unknown {
    return { ...RPC_ERRORS.methodNotFound, data: { reason: 'not recorded' } };
  }

  ticker(): unknown {
    return { ...RPC_ERRORS.methodNotFound, data: { reason: 'not recorded' } };
  }

  orderBook(): unknown {
    return { ...RPC_ERRORS.methodNotFound, data: { reason: 'not recorded' } };
  }

  tick(_simNow: number, wallMs: number): void {
    if (this.#wallStart === undefined || this.#stats.done) return;
    const fast = !(this.speed > 0) || !Number.isFinite(this.speed);
    const due = this.#recordStart + (wallMs - this.#wallStart) * (fast ? 0 : this.speed);
    let n = 0;
    while (this.#cursor < this.#messages.length && n < MAX_PER_TICK) {
      const m = this.#messages[this.#cursor]!;
      if (!fast && m.at > due) break;
      this.#cursor++;
      n++;
      this.#deliver(m);
    }
    if (n > 0) this.#lastSendWall = wallMs;
    // `done` once everything was sent and a grace period has passed, so that a test polling `done`
    // does not race the last frames still on their way through the socket.
    if (this.#cursor >= this.#messages.length && wallMs - this.#lastSendWall >= DONE_GRACE_MS) {
      this.#stats.done = true;
    }
  }

  #deliver(m: Recorded): void {
    const spec = parseChannel(m.channel);
    const instrument = spec !== undefined && 'instrument' in spec ? spec.instrument : undefined;
    const channels = instrument === undefined ? [m.channel] : [...(this.fanout.channelsOf(instrument) ?? [])];
    let sent = 0;
    for (const channel of channels) {
      const s = parseChannel(channel);
      if (s === undefined || (keyOf(s) ?? channel) !== (m.key || m.channel)) continue;
      sent += this.fanout.publish(channel, m.dataJson, channel.startsWith('book.'));
    }
    if (sent === 0) {
      this.#stats.skipped++;
      return;
    }
    this.#stats.sent.total += sent;
    this.#stats.sent.byChannel[m.channel] = (this.#stats.sent.byChannel[m.channel] ?? 0) + sent;
  }
}

/** Splits a capture into received notifications (with their `data` text) and recorded subscriptions. */
export function parseCapture(text: string): { messages: Recorded[]; subscriptions: string[] } {
  const messages: Recorded[] = [];
  const subscriptions: string[] = [];
  for (const line of text.split('\n')) {
    const sent = /^\S+ <- [\d.]+: (.*)$/.exec(line);
    if (sent !== null) {
      const req = JSON.parse(sent[1] ?? '{}') as { method?: string; params?: { channels?: string[] } };
      if (req.method === 'public/subscribe') subscriptions.push(...(req.params?.channels ?? []));
      continue;
    }
    const got = /^([\d.]+): (.*)$/.exec(line);
    if (got === null) continue;
    const raw = got[2] ?? '';
    const msg = JSON.parse(raw) as { method?: string; params?: { channel?: string; data?: unknown } };
    if (msg.method !== 'subscription' || typeof msg.params?.channel !== 'string') continue;
    const channel = msg.params.channel;
    const spec = parseChannel(channel);
    messages.push({
      at: Math.round(Number(got[1]) * 1000),
      channel,
      key: spec === undefined ? channel : (keyOf(spec) ?? channel),
      dataJson: JSON.stringify(msg.params.data),
      raw,
    });
  }
  return { messages, subscriptions };
}

/** `currency → rows` from the REST capture (`URL?currency=BTC… -> epoch: {json}`). */
export function parseRest(text: string): Map<string, Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>[]>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) -> [\d.]+: (.*)$/.exec(line);
    if (m === null) continue;
    const currency = /[?&]currency=([A-Z]+)/.exec(m[1] ?? '')?.[1];
    const body = JSON.parse(m[2] ?? '{}') as { result?: Record<string, unknown>[] };
    if (currency !== undefined && Array.isArray(body.result)) out.set(currency, body.result);
  }
  return out;
}
