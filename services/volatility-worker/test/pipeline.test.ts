// Both workers on one in-process bus, as in embedded mode: simulator marketdata -> order-book
// worker -> volatility worker. Every quote batch traces back to a marketdata receive time, and a
// restarted volatility worker resumes from its committed offsets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBus, InProcessBroker } from '@volstream/bus';
import { TOPICS, type VolatilityEvent } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { load } from 'svi-core';
import { build as buildOrderBook } from '../../orderbook-worker/src/app.ts';
import { simulatorEvents } from '../../orderbook-worker/test/helpers/inputs.ts';
import { build as buildVolatility } from '../src/app.ts';

const logger = createLogger({ service: 'pipeline-test', level: 'silent' });

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Expected ${what} within ${timeoutMs} ms, was not`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('order-book -> volatility on the in-process bus', () => {
  it('simulator marketdata becomes IV quote batches; a restarted volatility worker resumes', async () => {
    const core = await load();
    const broker = new InProcessBroker();
    const bus = createBus({ transport: 'inprocess', broker }, { logger });
    const { events } = await simulatorEvents(21, 6);
    const half = events.length >> 1;
    const ob = await buildOrderBook({}, { bus, logger });
    let vol = await buildVolatility({ groupId: 'vol' }, { bus, logger, core });
    const got: VolatilityEvent[] = [];
    const reader = bus.consumer<VolatilityEvent>({ groupId: 'reader' });
    await reader.subscribe([TOPICS.volatility], { fromBeginning: true });
    await reader.run({
      eachBatch: async (batch) => {
        for (const m of batch.messages) got.push(m.value);
      },
    });
    const producer = bus.producer();
    await producer.send(TOPICS.marketdata, events.slice(0, half));
    await waitUntil(
      'first half through both workers',
      async () => (await ob.lag()).total === 0 && (await vol.lag()).total === 0 && got.length > 0,
    );
    const firstIn = vol.stats().in;
    await vol.stop();
    await producer.send(TOPICS.marketdata, events.slice(half));
    await waitUntil(
      'order books caught up',
      async () => ob.stats().in === events.length && (await ob.lag()).total === 0,
    );
    vol = await buildVolatility({ groupId: 'vol' }, { bus, logger, core });
    await waitUntil('volatility caught up', async () => (await vol.lag()).total === 0 && vol.stats().in > 0);
    assert.equal(
      firstIn + vol.stats().in,
      ob.stats().out,
      'each orderbook event consumed once across the restart',
    );
    const receives = new Set(events.map((e) => e.header!.receiveTimeNs));
    let quoted = 0;
    for (const e of got) {
      assert.ok(receives.has(e.header!.receiveTimeNs));
      if (e.payload.case !== 'quoteBatch') continue;
      for (const q of e.payload.value.quotes) {
        if (q.markIv === undefined) continue;
        quoted++;
        assert.ok(q.markIv > 0.05 && q.markIv < 5, `${q.instrumentName} ${q.markIv}`);
        // the simulator's own IV convention: mark IV reproduced
        if (q.venueMarkIv !== undefined)
          assert.ok(Math.abs(q.markIv - q.venueMarkIv) < 0.01, q.instrumentName);
      }
    }
    assert.ok(quoted > 50, `quoted ${quoted}`);
    await reader.stop();
    await vol.stop();
    await ob.stop();
    await bus.close();
  });
});
