import { VolstreamError } from '@volstream/errors';

interface Waiter {
  messages: number;
  bytes: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Bounded buffer accounting with explicit backpressure: `acquire` resolves once the request fits
 * under both limits (in FIFO order, so a big request is not starved by small ones) and rejects with
 * BUS_BACKPRESSURE_TIMEOUT after `timeoutMs`. A request larger than a limit is admitted alone, when
 * the buffer is empty, so it cannot deadlock.
 */
export class CapacityGate {
  #messages = 0;
  #bytes = 0;
  readonly #waiters: Waiter[] = [];

  constructor(
    readonly maxMessages: number,
    readonly maxBytes: number,
    readonly timeoutMs: number,
  ) {}

  get bufferedMessages(): number {
    return this.#messages;
  }

  get bufferedBytes(): number {
    return this.#bytes;
  }

  #fits(messages: number, bytes: number): boolean {
    if (this.#messages === 0 && this.#bytes === 0) return true;
    return this.#messages + messages <= this.maxMessages && this.#bytes + bytes <= this.maxBytes;
  }

  acquire(messages: number, bytes: number, context: Record<string, unknown>): Promise<void> {
    if (this.#waiters.length === 0 && this.#fits(messages, bytes)) {
      this.#messages += messages;
      this.#bytes += bytes;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        messages,
        bytes,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(
            new VolstreamError(
              'BUS_BACKPRESSURE_TIMEOUT',
              `Expected buffer capacity within ${this.timeoutMs} ms, was still full (${this.#messages} messages, ${this.#bytes} bytes buffered)`,
              {
                context: { ...context, maxMessages: this.maxMessages, maxBytes: this.maxBytes },
                errorClass: 'retryable',
              },
            ),
          );
          this.#admit();
        }, this.timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  release(messages: number, bytes: number): void {
    this.#messages -= messages;
    this.#bytes -= bytes;
    this.#admit();
  }

  /** Rejects every waiter (the producer is closing). */
  rejectAll(err: Error): void {
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  #admit(): void {
    while (this.#waiters.length > 0) {
      const w = this.#waiters[0]!;
      if (!this.#fits(w.messages, w.bytes)) return;
      this.#waiters.shift();
      clearTimeout(w.timer);
      this.#messages += w.messages;
      this.#bytes += w.bytes;
      w.resolve();
    }
  }
}
