// JSON-RPC 2.0 requests over one Deribit websocket and the matching of replies by `id`.
// Docs: https://docs.deribit.com/#json-rpc (requests, `usIn/usOut/usDiff` replies, error objects).
import type { DeribitRpcError, DeribitRpcResult } from './messages.ts';

export class DeribitRpcRejected extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly method: string,
  ) {
    super(`Expected a result for ${method}, was error ${code} ${message}`);
    this.name = 'DeribitRpcRejected';
  }
}

interface Pending {
  method: string;
  sentAt: number;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Tracks the requests sent on one connection. Ids restart per connection object; a reconnect
 * rejects everything outstanding (`failAll`) since the server forgot those requests.
 */
export class DeribitRpc {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(private readonly send: (text: string) => boolean) {}

  get outstanding(): number {
    return this.#pending.size;
  }

  /** Sends a request; resolves with `result`, rejects on an error reply, timeout or a closed socket. */
  request<T = unknown>(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<T> {
    const id = this.#nextId++;
    const text = `{"jsonrpc":"2.0","id":${id},"method":"${method}","params":${JSON.stringify(params)}}`;
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        method,
        sentAt: performance.now(),
        resolve: resolve as (result: unknown) => void,
        reject,
        timer: undefined,
      };
      if (!this.send(text)) {
        reject(new Error(`Expected an open connection for ${method}, was closed`));
        return;
      }
      pending.timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`Expected a reply to ${method} within ${timeoutMs} ms, got none`));
      }, timeoutMs);
      pending.timer.unref?.();
      this.#pending.set(id, pending);
    });
  }

  /** Fire-and-forget request whose reply is only timed (heartbeat answers). */
  notify(method: string, onReply: (rttMs: number) => void): boolean {
    const id = this.#nextId++;
    const sentAt = performance.now();
    const sent = this.send(`{"jsonrpc":"2.0","id":${id},"method":"${method}","params":{}}`);
    if (!sent) return false;
    this.#pending.set(id, {
      method,
      sentAt,
      resolve: () => onReply(performance.now() - sentAt),
      reject: () => {},
      timer: undefined,
    });
    return true;
  }

  /**
   * Routes a reply frame (has an `id`). Returns the method it answered, or undefined when the id
   * is unknown (late reply after a timeout, or a venue bug).
   */
  handleReply(
    frame: DeribitRpcResult | DeribitRpcError,
  ): { method: string; error?: DeribitRpcError['error'] } | undefined {
    const id = frame.id;
    if (typeof id !== 'number') return undefined;
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if ('error' in frame && frame.error !== undefined) {
      const code = typeof frame.error.code === 'number' ? frame.error.code : 0;
      pending.reject(new DeribitRpcRejected(code, String(frame.error.message), pending.method));
      return { method: pending.method, error: frame.error };
    }
    pending.resolve((frame as DeribitRpcResult).result);
    return { method: pending.method };
  }

  /** Rejects everything outstanding (the socket closed). */
  failAll(reason: string): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`Expected a reply to ${pending.method}, connection closed: ${reason}`));
      this.#pending.delete(id);
    }
  }
}
