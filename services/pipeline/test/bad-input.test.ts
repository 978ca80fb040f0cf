// Bad input reaching the workers (NaN, zero or negative time to expiry, unknown instrument, stale
// forward, a batch without its header, undecodable bytes) is counted and dropped by the workers (their own
// tests cover the transforms); here the counts travel through the compute thread into the run
// report's `dropped`, by stage and by reason, and into the Prometheus text.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { createBus } from '@volstream/bus';
import { TOPICS, VolatilityEventSchema } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { load } from 'svi-core';
import { md } from '../../orderbook-worker/test/helpers/events.ts';
import { DAY_MS, fwd, top } from '../../volatility-worker/test/helpers/tops.ts';
import { type ComputeHost, RunReportCollector, reportToPrometheus, startComputeHost } from '../src/index.ts';

let host: ComputeHost | undefined;
after(async () => {
  await host?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bad input reaches the report', () => {
  it('each worker counts and drops it; the report shows it by stage and reason', async () => {
    const logger = createLogger({ service: 'bad-input-test', level: 'error' });
    const bus = createBus({ transport: 'inprocess' }, { logger });
    host = await startComputeHost({ logLevel: 'error' }, { bus, logger });
    const h = host;
    const collector = new RunReportCollector(
      await load(),
      { connector: () => undefined, compute: () => h.stats() },
      { source: 'test' },
      logger,
    );
    await collector.start(bus);

    const now = Date.now();
    // Order-book worker: instruments it does not know (another venue's name, a malformed name).
    const marketdata = [
      md(
        { case: 'bookSnapshot', value: { instrumentName: 'XYZ', bids: [], asks: [], changeId: 1n } } as never,
        now,
        'okx',
      ),
      md({ case: 'ticker', value: { instrumentName: 'not-a-deribit-name' } } as never, now),
    ];
    await h.inject(
      TOPICS.marketdata.name,
      marketdata.map((e) => ({ key: TOPICS.marketdata.keyOf(e), value: TOPICS.marketdata.encode(e) })),
    );
    // Volatility worker: NaN bid, expiry now and in the past (T <= 0), NaN strike, stale forward.
    const expiry = now + 7 * DAY_MS;
    const tops = [
      fwd(60_000, expiry, now - 60_000),
      top({
        name: 'BTC-N',
        strike: 60_000,
        call: true,
        expiryMs: expiry,
        timeMs: now,
        bid: Number.NaN,
        ask: 0.05,
      }),
      top({ name: 'BTC-Z', strike: 60_000, call: true, expiryMs: now, timeMs: now, mark: 0.05 }),
      top({ name: 'BTC-P', strike: 60_000, call: true, expiryMs: now - 1, timeMs: now, mark: 0.05 }),
      top({ name: 'BTC-K', strike: Number.NaN, call: true, expiryMs: expiry, timeMs: now, mark: 0.05 }),
      top({ name: 'BTC-S', strike: 60_000, call: true, expiryMs: expiry, timeMs: now, mark: 0.05 }),
    ];
    await h.inject(
      TOPICS.orderbook.name,
      tops.map((e) => ({ key: TOPICS.orderbook.keyOf(e), value: TOPICS.orderbook.encode(e) })),
    );
    // Surface worker: a batch without a header, and bytes that are no protobuf at all.
    const headless = create(VolatilityEventSchema, {
      payload: { case: 'quoteBatch', value: { currency: 'BTC', expiryMs: BigInt(expiry) } },
    });
    await h.inject(TOPICS.volatility.name, [
      { key: 'BTC:x', value: TOPICS.volatility.encode(headless) },
      { key: 'BTC:y', value: Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]) },
    ]);

    let report = collector.report();
    for (let i = 0; i < 40 && report.dropped.total < 9; i++) {
      await sleep(250);
      collector.sample();
      await sleep(50);
      report = collector.report();
    }
    await collector.stop(await h.stats());
    report = collector.report();
    const stats = await h.stats();
    const { byStage, byReason, total } = report.dropped;
    assert.equal(byStage.orderbook?.unknown_instrument, 2, JSON.stringify(byStage));
    assert.equal(byStage.volatility?.non_positive_time, 2, JSON.stringify(byStage));
    assert.equal(byStage.volatility?.bad_value, 1, JSON.stringify(byStage));
    assert.equal(byStage.volatility?.unknown_instrument, 1, JSON.stringify(byStage));
    assert.equal(byStage.volatility?.stale_forward, 1, JSON.stringify(byStage));
    // The bus's decoder already refuses both (a header is part of the contract), before the worker.
    assert.equal(byStage.surface?.decode_BUS_DECODE_FAILED, 2, JSON.stringify(byStage));
    assert.deepEqual(stats.workers.surface.decodeFailures, { BUS_DECODE_FAILED: 2 });
    // Exactly what the workers counted, nothing more.
    for (const s of ['orderbook', 'volatility'] as const)
      assert.deepEqual(byStage[s], stats.workers[s].dropped);
    assert.equal(byReason.unknown_instrument, 3);
    assert.equal(total, 9);
    assert.equal(report.stages.published.surfaces, 0, 'nothing published from bad input');
    const text = reportToPrometheus(report);
    assert.match(
      text,
      /^volstream_pipeline_dropped_total\{stage="volatility",reason="non_positive_time"\} 2$/m,
    );
  });
});
