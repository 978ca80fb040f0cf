/** A minimal Deribit JSON-RPC websocket client for the simulator's tests. */
import WebSocket from 'ws';

export interface Notification {
  channel: string;
  data: Record<string, unknown>;
}

export class TestClient {
  readonly messages: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  closed = false;
  closeCode: number | undefined;
  #nextId = 1;
  #waiters: { pred: () => boolean; resolve: () => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      this.raw.push(text);
      try {
        this.messages.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        this.messages.push({ unparsable: text });
      }
      this.#check();
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.#check();
    });
  }

  static async connect(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new TestClient(ws);
  }

  #check(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.pred()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves when pred() holds (checked on every message), rejects after timeoutMs. */
  waitFor(pred: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      // Also polled, for conditions on server state that change without a message arriving.
      const poll = setInterval(() => this.#check(), 20);
      const timer = setTimeout(() => {
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.#waiters.push({
        pred,
        resolve: () => {
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        },
      });
    });
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  async request(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    let found: Record<string, unknown> | undefined;
    await this.waitFor(
      () => {
        found = this.messages.find((m) => m.id === id);
        return found !== undefined || this.closed;
      },
      20_000,
      `reply to ${method}`,
    );
    if (found === undefined) throw new Error(`connection closed before the reply to ${method}`);
    return found;
  }

  notifications(prefix = ''): Notification[] {
    const out: Notification[] = [];
    for (const m of this.messages) {
      if (m.method !== 'subscription') continue;
      const p = m.params as Notification;
      if (p.channel.startsWith(prefix)) out.push(p);
    }
    return out;
  }

  close(): void {
    this.ws.close();
  }
}

/**
 * Waits until `count()` stops changing: unchanged over 3 consecutive 100 ms steps (each a full
 * event-loop turn that reads what the sockets hold). For "what was in flight has arrived" where a
 * fixed sleep is too short on a loaded machine. Bounded by `timeoutMs`.
 */
export async function settle(count: () => number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = count();
  let quiet = 0;
  while (quiet < 3) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for the input to settle`);
    await new Promise((r) => setTimeout(r, 100));
    const now = count();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}
