/**
 * Micro-batching between the frame handlers and the sink: handlers `push` events synchronously
 * (no promise per event), and one `setImmediate` per event-loop turn hands everything gathered so
 * far to the sink in a single `publish` call. While a publish is in flight, new events wait for
 * the next batch, so at most one publish is outstanding and a slow bus shows up as a growing
 * buffer, not as unbounded promises. Past `maxBuffered` events the buffer refuses new ones and the
 * caller is told (it drops them, counts them and resyncs what must be resynced): the connector
 * stays responsive for heartbeats instead of running out of memory.
 */
export interface BatchSink<E> {
  publish(events: E[]): Promise<void>;
}

export interface PublisherOptions<E> {
  maxBuffered: number;
  /** Called with the error of a failed publish and the lost batch; the owner resyncs. */
  onError: (error: unknown, lost: E[]) => void;
  onPublished: (count: number) => void;
  /** Called once per batch just before it goes to the sink (stamps the publish time). */
  beforePublish?: (batch: E[]) => void;
}

export class MicroBatchPublisher<E> {
  #buffer: E[] = [];
  #scheduled = false;
  #inFlight: Promise<void> | undefined;
  #closed = false;

  constructor(
    private readonly sink: BatchSink<E>,
    private readonly options: PublisherOptions<E>,
  ) {}

  get buffered(): number {
    return this.#buffer.length;
  }

  /** Queues one event; false when the buffer is full (the event was NOT queued). */
  push(event: E): boolean {
    if (this.#buffer.length >= this.options.maxBuffered || this.#closed) return false;
    this.#buffer.push(event);
    this.#schedule();
    return true;
  }

  /** Queues an event even past `maxBuffered` (rare control events such as unsynced markers). */
  pushUrgent(event: E): void {
    if (this.#closed) return;
    this.#buffer.push(event);
    this.#schedule();
  }

  /** Publishes everything buffered, including what arrives while earlier batches are in flight. */
  async flush(): Promise<void> {
    while (this.#inFlight !== undefined || this.#buffer.length > 0) {
      if (this.#inFlight !== undefined) await this.#inFlight;
      else this.#drain();
    }
  }

  /** Stops accepting events and publishes what is buffered. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight !== undefined) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#drain();
    });
  }

  #drain(): void {
    if (this.#inFlight !== undefined || this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.options.beforePublish?.(batch);
    this.#inFlight = this.sink
      .publish(batch)
      .then(
        () => this.options.onPublished(batch.length),
        (error: unknown) => this.options.onError(error, batch),
      )
      .finally(() => {
        this.#inFlight = undefined;
        if (this.#buffer.length > 0) this.#schedule();
      });
  }
}
