import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Surface } from '@volstream/contracts';
import type { Gateway } from '../src/index.ts';
import { isKind, startGateway, surfaceEvent, surfaceOf, TestClient } from './helpers.ts';

/** A surface of ~120 kB: 20 smiles of 100 quotes (a wide chain on one venue). */
function bigSurface(atmVol: number): Surface {
  const surface = surfaceOf('BTC', 'composite', atmVol);
  const smile = surface.smiles[0];
  const quote = smile?.quotes[0];
  if (smile === undefined || quote === undefined) throw new Error('sample smile has no quote');
  smile.quotes = Array.from({ length: 100 }, (_, i) => ({
    ...quote,
    instrumentName: `${quote.instrumentName}-${i}`,
    strike: 1000 * (i + 1),
  }));
  surface.smiles = Array.from({ length: 20 }, (_, i) => ({
    ...smile,
    expiryMs: smile.expiryMs + BigInt(i) * 86_400_000n,
  }));
  return surface;
}

/** Publishes one big surface and returns how long the fast client took to receive it, ms. */
async function publishAndTime(gw: Gateway, fast: TestClient, i: number, expected: bigint): Promise<number> {
  const surface = bigSurface(0.5 + i / 1000);
  const t0 = performance.now();
  gw.store.apply(surfaceEvent(surface));
  const update = await fast.next(isKind('update', 'f'));
  const delay = performance.now() - t0;
  assert.ok(update.kind.case === 'update');
  assert.equal(update.kind.value.sequence, expected, 'the fast client sees every update, in order');
  return delay;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

test('a client that never reads gets conflated, then disconnected; another client keeps receiving every update promptly', async (t) => {
  const { gw, url } = await startGateway({
    stream: {
      maxMessageBytes: 16 * 1024,
      maxSubscriptions: 8,
      conflateAboveBytes: 256 * 1024,
      maxBufferedBytes: 8 * 1024 * 1024,
      maxBehindMs: 1_500,
      maxBadMessages: 5,
    },
  });
  try {
    const slow = await TestClient.connect(url);
    const fast = await TestClient.connect(url);
    slow.subscribe('s');
    fast.subscribe('f');
    await slow.next(isKind('snapshot', 's'));
    await fast.next(isKind('snapshot', 'f'));

    let expected = 2n;
    const before: number[] = [];
    // 30 samples: a baseline taken in one quiet moment of a loaded machine would be too low.
    for (let i = 0; i < 30; i++) {
      before.push(await publishAndTime(gw, fast, i, expected++));
      await slow.next(isKind('update', 's'));
    }
    // Stop reading: the kernel buffers fill, then the gateway's buffer for this socket grows.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const during: number[] = [];
    for (let i = 30; i < 320 && gw.metrics.counters.wsSlowDisconnects === 0; i++) {
      during.push(await publishAndTime(gw, fast, i, expected++));
      await new Promise((r) => setTimeout(r, 10));
    }
    const wait = Date.now() + 5_000;
    while (gw.metrics.counters.wsSlowDisconnects === 0 && Date.now() < wait)
      await new Promise((r) => setTimeout(r, 50));

    assert.equal(gw.metrics.counters.wsSlowDisconnects, 1, 'the slow client was disconnected');
    assert.ok(gw.metrics.counters.wsConflated > 0, 'updates for the slow client were conflated first');
    assert.equal(gw.stream.clients, 1, 'only the fast client remains');
    // Delivery to the fast client is not slowed by the stalled one (generous bound: shared CPU).
    const [m0, m1] = [median(before), median(during)];
    t.diagnostic(
      `fast client median delay ${m0.toFixed(1)} ms before (${before.length}), ${m1.toFixed(1)} ms during (${during.length})`,
    );
    assert.ok(
      m1 < 3 * m0 + 50,
      `fast client median delay ${m1.toFixed(1)} ms stalled vs ${m0.toFixed(1)} ms before`,
    );
    await fast.close();
    slow.ws.terminate();
  } finally {
    await gw.close();
  }
});
