/**
 * Applies one fault (faults.ts) to the running simulator. Malformed book messages that are not
 * meant to change the book (NaN price, negative amount) reuse the current `change_id` as their
 * `prev_change_id` without advancing the book, so a client that drops them stays in sequence and a
 * client that applies them sees the next real message as a gap. A crossed book is a real change
 * (the model's book really crosses, and the next update uncrosses it).
 */
import { textFrame } from '../ws-frame.ts';
import type { Fault } from './faults.ts';
import { CURRENCIES } from './instruments.ts';
import { bookChangeData } from './messages.ts';
import { notification, RPC_ERRORS } from './protocol.ts';
import type { Session } from './session.ts';
import type { SimFeed } from './sim-feed.ts';

export interface FaultTarget {
  sessions: Map<number, Session>;
  feed: SimFeed | undefined;
  wallMs: number;
}

/** Applies a fault; returns a short description of what it did, or throws on an unusable fault. */
export function applyFault(fault: Fault, t: FaultTarget): string {
  const targets = [...t.sessions.values()].filter(
    (s) =>
      fault.type === 'listing' ||
      fault.type === 'expiry' ||
      !('session' in fault) ||
      fault.session === undefined ||
      s.id === fault.session,
  );
  switch (fault.type) {
    case 'drop_deltas':
      for (const s of targets) s.dropDeltas += fault.count ?? 1;
      return `drop ${fault.count ?? 1} deltas on ${targets.length} sessions`;
    case 'disconnect':
      for (const s of targets) fault.mode === 'close' ? s.close(1000, 'simulated disconnect') : s.terminate();
      return `disconnected ${targets.length} sessions`;
    case 'stall':
      for (const s of targets) s.stalledUntil = t.wallMs + fault.ms;
      return `stalled ${targets.length} sessions for ${fault.ms} ms`;
    case 'silent':
      for (const s of targets) s.silent = true;
      return `silenced ${targets.length} sessions`;
    case 'error_reply':
      for (const s of targets) {
        s.forcedError = fault.code === 10028 ? RPC_ERRORS.tooManyRequests : RPC_ERRORS.entityTooLarge;
      }
      return `next request of ${targets.length} sessions fails with ${fault.code}`;
    case 'slow_consumer':
      requireFeed(t).burst(fault.messages ?? 10_000);
      return `burst of ${fault.messages ?? 10_000} updates`;
    case 'listing':
    case 'expiry': {
      const feed = requireFeed(t);
      const events = [];
      for (const c of fault.currency === undefined ? CURRENCIES : [fault.currency]) {
        if (!feed.market.currencies.has(c)) continue;
        events.push(
          ...(fault.type === 'listing' ? feed.market.listExtraExpiry(c) : feed.market.expireNearest(c)),
        );
      }
      feed.publishEvents(events);
      return `${fault.type}: ${events.length} instrument state events`;
    }
    case 'malformed':
      if (fault.kind === 'crossed_book') {
        // One real change of the shared book, seen by every subscriber: apply it once.
        const first = targets.find(
          (s) => fault.instrument !== undefined || [...s.subs].some((c) => c.startsWith('book.')),
        );
        if (first !== undefined) malformed(fault.kind, fault.instrument, first, t.feed);
        return 'crossed one book';
      }
      for (const s of targets) malformed(fault.kind, fault.instrument, s, t.feed);
      return `malformed ${fault.kind} to ${targets.length} sessions`;
  }
}

function requireFeed(t: FaultTarget): SimFeed {
  if (t.feed === undefined) throw new Error('Expected the live-market simulator, was a replay');
  return t.feed;
}

function send(s: Session, text: string): void {
  s.push(textFrame(text), false);
}

function malformed(
  kind: string,
  instrument: string | undefined,
  s: Session,
  feed: SimFeed | undefined,
): void {
  const bookChannel =
    instrument !== undefined ? `book.${instrument}.100ms` : [...s.subs].find((c) => c.startsWith('book.'));
  const name = bookChannel?.split('.')[1];
  switch (kind) {
    case 'invalid_json':
      send(s, '{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.');
      return;
    case 'unknown_channel':
      send(s, notification('unknown.channel.raw', '{"timestamp":0}'));
      return;
    case 'unknown_instrument': {
      const data = bookChangeData(Date.now(), 'BTC-1JAN30-1-C', 1, 2, [['new', 0.1, 1]], []);
      send(s, notification('book.BTC-1JAN30-1-C.raw', JSON.stringify(data)));
      return;
    }
    default:
      break;
  }
  const inst = name === undefined ? undefined : feed?.market.byName.get(name);
  if (inst === undefined || bookChannel === undefined || feed === undefined) return;
  if (kind === 'crossed_book') {
    const ask = inst.book.bestAsk();
    // Already crossed at that price (not yet repaired): nothing new to send.
    if (ask === undefined || inst.book.bids.has(ask)) return;
    const price = inst.book.price(ask);
    inst.book.bids.set(ask, 1);
    const [prev, next] = inst.book.nextChangeId();
    const data = bookChangeData(feed.market.now, inst.name, prev, next, [['new', price, 1]], []);
    const json = JSON.stringify(data);
    for (const channel of feed.fanout.channelsOf(inst.name) ?? []) {
      if (channel.startsWith('book.')) feed.fanout.publish(channel, json);
    }
    return;
  }
  const cur = inst.book.changeId;
  const best = inst.book.bestBid() ?? inst.book.bestAsk() ?? 1;
  const entry = kind === 'nan_price' ? '["new","NaN",1]' : `["new",${inst.book.price(best)},-5]`;
  const text = `{"type":"change","timestamp":${feed.market.now},"prev_change_id":${cur},"instrument_name":"${inst.name}","change_id":${cur + 1},"bids":[${entry}],"asks":[]}`;
  send(s, notification(bookChannel, text));
}
