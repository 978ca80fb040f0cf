/**
 * Gateway status from its public endpoints: `/readyz` (JSON) and `/metrics` (Prometheus text,
 * services/gateway/src/metrics.ts; in embedded mode also the pipeline's figures), for the stream
 * status line. Per-venue connection state comes from `/v1/status` (run-status.ts).
 */

/** Samples of a Prometheus text exposition, keyed by `name` or `name{labels}` as written. */
export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    if (cut <= 0) continue;
    const value = Number(line.slice(cut + 1));
    if (Number.isFinite(value)) out.set(line.slice(0, cut), value);
  }
  return out;
}

/** Per-second rate of a monotonic counter between successive samples (undefined until two). */
export class CounterRate {
  private last: { value: number; atMs: number } | undefined;
  rate: number | undefined;

  sample(value: number | undefined, atMs: number): void {
    if (value === undefined) return;
    const prev = this.last;
    this.last = { value, atMs };
    // A counter going down means the gateway restarted: start over rather than show a negative rate.
    if (prev !== undefined && atMs > prev.atMs && value >= prev.value)
      this.rate = ((value - prev.value) * 1000) / (atMs - prev.atMs);
  }
}

export interface GatewayStatus {
  ready: boolean | undefined;
  surfaces: number | undefined;
  smiles: number | undefined;
  /** Surface-topic events the gateway applied per second. */
  ingestPerSec: number | undefined;
  /** Websocket frames the gateway sent per second (all clients). */
  framesPerSec: number | undefined;
  /** Pipeline p99 latency, connector receipt → surface published (embedded mode only). */
  pipelineP99Ms: number | undefined;
}

export class GatewayStatusTracker {
  readonly status: GatewayStatus = {
    ready: undefined,
    surfaces: undefined,
    smiles: undefined,
    ingestPerSec: undefined,
    framesPerSec: undefined,
    pipelineP99Ms: undefined,
  };
  private readonly ingest = new CounterRate();
  private readonly frames = new CounterRate();

  applyReady(body: { ready?: boolean; surfaces?: number; smiles?: number }): void {
    this.status.ready = body.ready;
    this.status.surfaces = body.surfaces;
    this.status.smiles = body.smiles;
  }

  applyMetrics(text: string, atMs: number): void {
    const m = parsePrometheus(text);
    this.ingest.sample(m.get('volstream_gateway_surface_events_total'), atMs);
    this.frames.sample(m.get('volstream_gateway_ws_frames_sent_total'), atMs);
    this.status.ingestPerSec = this.ingest.rate;
    this.status.framesPerSec = this.frames.rate;
    this.status.pipelineP99Ms = m.get('volstream_pipeline_latency_ms{quantile="0.99"}');
  }
}
