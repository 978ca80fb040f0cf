import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build } from '@volstream/gateway';
import { createLogger } from '@volstream/logging';
import { GatewayStatusTracker, parsePrometheus } from '../src/app/gateway-status.ts';

describe('gateway status from /readyz and /metrics', () => {
  it('parses the real gateway exposition and turns counters into rates', async () => {
    const gw = build({ logger: createLogger({ service: 'status-test', level: 'silent' }) });
    const text = (await gw.app.inject({ method: 'GET', url: '/metrics' })).body;
    await gw.close();
    const m = parsePrometheus(text);
    assert.equal(m.get('volstream_gateway_surface_events_total'), 0);
    assert.ok(m.has('volstream_gateway_ws_frames_sent_total'));

    const t = new GatewayStatusTracker();
    t.applyMetrics(text, 1000);
    assert.equal(t.status.ingestPerSec, undefined, 'one sample is no rate');
    const later = text
      .replace(/^volstream_gateway_surface_events_total 0$/m, 'volstream_gateway_surface_events_total 30')
      .concat('volstream_pipeline_latency_ms{quantile="0.99"} 412.5\n');
    t.applyMetrics(later, 3000);
    assert.equal(t.status.ingestPerSec, 15);
    assert.equal(t.status.framesPerSec, 0);
    assert.equal(t.status.pipelineP99Ms, 412.5);
    // A restarted gateway (counter back to 0) keeps the last rate instead of going negative.
    t.applyMetrics(text, 5000);
    assert.equal(t.status.ingestPerSec, 15);
    t.applyReady({ ready: true, surfaces: 2, smiles: 24 });
    assert.deepEqual([t.status.ready, t.status.surfaces, t.status.smiles], [true, 2, 24]);
  });
});
