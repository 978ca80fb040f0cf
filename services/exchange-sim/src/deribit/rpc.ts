/**
 * The JSON-RPC methods the simulator answers, shared by the live-market and replay backends.
 * https://docs.deribit.com/#public-subscribe , #public-set_heartbeat , #public-test ,
 * #public-get_instruments . Limits: at most `maxChannelsPerRequest` (250) channels per subscribe
 * (else −32600 "request entity too large"); token buckets for subscribe, other requests and
 * get_instruments, whose exhaustion answers 10028 `too_many_requests` and closes the session, as
 * Deribit does. Bad input from a client is answered with an error and counted, never thrown.
 */

import { textFrame } from '../ws-frame.ts';
import { type ChannelSpec, type Fanout, parseChannel } from './channels.ts';
import { errorReply, parseRequest, RPC_ERRORS, type RpcError, type RpcId, resultReply } from './protocol.ts';
import type { Session } from './session.ts';

export const API_VERSION = '1.2.26';

export interface Backend {
  /** Whether this backend can serve the channel (instrument exists, …). */
  accepts(spec: ChannelSpec): boolean;
  /** Initial messages for channels a session just subscribed (book snapshot, current ticker). */
  onSubscribed(session: Session, channels: { channel: string; spec: ChannelSpec }[]): void;
  getInstruments(params: Record<string, unknown>): unknown[] | RpcError;
  getIndexPrice(params: Record<string, unknown>): unknown;
  ticker(params: Record<string, unknown>): unknown;
  orderBook(params: Record<string, unknown>): unknown;
  /** Simulated clock, ms. */
  now(): number;
}

export interface RpcContext {
  fanout: Fanout<Session>;
  backend: Backend;
  minHeartbeatMs: number;
  maxChannelsPerRequest: number;
  counters: { badRequests: number; rateLimited: number };
  /** Called once per rejected request (counted above); the server logs each kind once. */
  onBadRequest?: (kind: string, context: Record<string, unknown>) => void;
}

function reply(session: Session, text: string): void {
  session.push(textFrame(text), false);
}

function channelsParam(params: Record<string, unknown>): string[] | undefined {
  const c = params.channels;
  if (!Array.isArray(c) || !c.every((x) => typeof x === 'string')) return undefined;
  return c as string[];
}

function invalid(reason: string, param: string): RpcError {
  return { ...RPC_ERRORS.invalidParams, data: { reason, param } };
}

/** Handles one client frame; replies are queued on the session and flushed by the caller. */
export function handleFrame(
  ctx: RpcContext,
  session: Session,
  text: string,
  usIn: number,
  wallMs: number,
): void {
  session.stats.requests++;
  if (session.silent) return;
  const req = parseRequest(text);
  if ('error' in req) {
    ctx.counters.badRequests++;
    ctx.onBadRequest?.(`code-${req.error.code}`, {
      session: session.id,
      code: req.error.code,
      frame: text.slice(0, 200),
    });
    reply(session, errorReply(req.id, req.error, usIn));
    return;
  }
  const id: RpcId = req.id ?? null;
  if (session.forcedError !== undefined) {
    const error = session.forcedError;
    session.forcedError = undefined;
    reply(session, errorReply(id, error, usIn));
    if (error.code === RPC_ERRORS.tooManyRequests.code) session.close(1000, 'too_many_requests');
    return;
  }
  const bucket =
    req.method === 'public/subscribe'
      ? session.subscribeBucket
      : req.method === 'public/get_instruments'
        ? session.instrumentsBucket
        : session.requestBucket;
  // public/test answers a test_request; throttling it would turn a heartbeat into a disconnect.
  if (req.method !== 'public/test' && !bucket.take(wallMs)) {
    ctx.counters.rateLimited++;
    ctx.onBadRequest?.(`rate-limit-${req.method}`, { session: session.id, method: req.method });
    reply(session, errorReply(id, RPC_ERRORS.tooManyRequests, usIn));
    session.close(1000, 'too_many_requests');
    return;
  }
  const result = dispatch(ctx, session, req.method, req.params, wallMs);
  if (result.error !== undefined) {
    ctx.counters.badRequests++;
    ctx.onBadRequest?.(`${req.method}-${result.error.code}`, {
      session: session.id,
      method: req.method,
      code: result.error.code,
    });
    reply(session, errorReply(id, result.error, usIn));
    return;
  }
  reply(session, resultReply(id, result.value, usIn));
  result.after?.();
}

interface Outcome {
  value?: unknown;
  error?: RpcError;
  after?: () => void;
}

function dispatch(
  ctx: RpcContext,
  session: Session,
  method: string,
  params: Record<string, unknown>,
  wallMs: number,
): Outcome {
  switch (method) {
    case 'public/test':
      session.awaitingTest = false;
      return { value: { version: API_VERSION } };
    case 'public/hello':
      return { value: { version: API_VERSION } };
    case 'public/get_time':
      return { value: ctx.backend.now() };
    case 'public/set_heartbeat': {
      const interval = params.interval;
      if (typeof interval !== 'number' || !Number.isFinite(interval)) {
        return { error: invalid('interval must be a number of seconds', 'interval') };
      }
      if (interval * 1000 < ctx.minHeartbeatMs) {
        return {
          error: invalid(`interval must be at least ${ctx.minHeartbeatMs / 1000} seconds`, 'interval'),
        };
      }
      session.heartbeatMs = interval * 1000;
      session.nextHeartbeatAt = wallMs + session.heartbeatMs;
      session.nextBeatAt = wallMs + session.heartbeatMs / 2;
      session.awaitingTest = false;
      return { value: 'ok' };
    }
    case 'public/disable_heartbeat':
      session.heartbeatMs = undefined;
      session.awaitingTest = false;
      return { value: 'ok' };
    case 'public/subscribe':
      return subscribe(ctx, session, params);
    case 'public/unsubscribe': {
      const channels = channelsParam(params);
      if (channels === undefined)
        return { error: invalid('channels must be an array of strings', 'channels') };
      const removed = channels.filter((c) => session.subs.delete(c) && ctx.fanout.remove(c, session));
      return { value: removed };
    }
    case 'public/unsubscribe_all':
      for (const c of session.subs) ctx.fanout.remove(c, session);
      session.subs.clear();
      return { value: 'ok' };
    case 'public/get_instruments': {
      const rows = ctx.backend.getInstruments(params);
      return Array.isArray(rows) ? { value: rows } : { error: rows };
    }
    case 'public/get_index_price':
      return wrap(ctx.backend.getIndexPrice(params));
    case 'public/ticker':
      return wrap(ctx.backend.ticker(params));
    case 'public/get_order_book':
      return wrap(ctx.backend.orderBook(params));
    default:
      return { error: RPC_ERRORS.methodNotFound };
  }
}

function wrap(value: unknown): Outcome {
  if (typeof value === 'object' && value !== null && 'code' in value && 'message' in value) {
    return { error: value as RpcError };
  }
  return { value };
}

function subscribe(ctx: RpcContext, session: Session, params: Record<string, unknown>): Outcome {
  const channels = channelsParam(params);
  if (channels === undefined) return { error: invalid('channels must be an array of strings', 'channels') };
  if (channels.length > ctx.maxChannelsPerRequest) return { error: RPC_ERRORS.entityTooLarge };
  const accepted: string[] = [];
  const added: { channel: string; spec: ChannelSpec }[] = [];
  for (const channel of channels) {
    const spec = parseChannel(channel);
    if (spec === undefined || !ctx.backend.accepts(spec)) continue;
    accepted.push(channel);
    if (!session.subs.has(channel)) {
      session.subs.add(channel);
      ctx.fanout.add(channel, spec, session);
      added.push({ channel, spec });
    }
  }
  return { value: accepted, after: () => ctx.backend.onSubscribed(session, added) };
}
