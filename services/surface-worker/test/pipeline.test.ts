// The last two hops of the pipeline on the simulator's market: BookTop + Forward events (as the
// order-book worker publishes them) → the volatility worker's transform → the surface transform.
// Proves the two workers agree on the volatility topic's meaning (partial batches, forwards, flags)
// and that the surface still matches the truth after the market moves (first-order IV updates).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  create,
  eventId,
  ForwardSource,
  InstrumentKind,
  newHeader,
  OptionType,
  type OrderBookEvent,
  OrderBookEventSchema,
  PriceUnit,
} from '@volstream/contracts';
import { Market } from '@volstream/exchange-sim';
import { VolatilityTransform } from '@volstream/volatility-worker';
import { init, load, type SviCore } from 'svi-core';
import { SurfaceTransform } from '../src/index.ts';
import { SIM_START, split } from './helpers.ts';

let core: SviCore;
before(async () => {
  await init();
  core = await load();
});

function header(kind: string, timeMs: number, key: string) {
  return newHeader({
    venue: 'deribit',
    producerId: 'orderbook-worker-0',
    eventId: eventId('test', kind, key, timeMs),
    exchangeTimeMs: timeMs,
    receiveTimeNs: BigInt(timeMs) * 1_000_000n + 2_000_000n,
    publishTimeNs: 0n,
  });
}

/** Every option's top of book and every expiry's forward at the market's current time. */
function orderBookEvents(market: Market, all: boolean): OrderBookEvent[] {
  const cm = market.currencies.get('BTC');
  if (cm === undefined) throw new Error('no BTC');
  const events: OrderBookEvent[] = [];
  for (const s of cm.slices.values()) {
    events.push(
      create(OrderBookEventSchema, {
        header: header('fwd', market.now, String(s.expiry)),
        payload: {
          case: 'forward',
          value: {
            currency: 'BTC',
            expiryMs: BigInt(s.expiry),
            forward: s.forward,
            source: ForwardSource.VENUE_UNDERLYING,
            asOfMs: BigInt(market.now),
          },
        },
      }),
    );
  }
  for (const o of cm.options) {
    if (all) market.ensureBook(o);
    else market.updateBook(o);
    const b = o.book.bestBid();
    const a = o.book.bestAsk();
    const bid = b === undefined ? undefined : o.book.price(b);
    const ask = a === undefined ? undefined : o.book.price(a);
    events.push(
      create(OrderBookEventSchema, {
        header: header('top', market.now, o.name),
        payload: {
          case: 'bookTop',
          value: {
            instrumentName: o.name,
            currency: 'BTC',
            kind: InstrumentKind.OPTION,
            expiryMs: BigInt(o.expiry),
            strike: o.strike,
            optionType: o.isCall ? OptionType.CALL : OptionType.PUT,
            priceUnit: PriceUnit.BASE_COIN,
            bids: bid === undefined ? [] : [{ price: bid, amount: 1 }],
            asks: ask === undefined ? [] : [{ price: ask, amount: 1 }],
            depth: 1,
            synced: true,
            markPrice: o.mark,
            underlyingPrice: o.forward,
            tickSize: 0.0001,
          },
        },
      }),
    );
  }
  return events;
}

function checkAgainstTruth(market: Market, surface: ReturnType<typeof split>['surfaces'][number]): number {
  const cm = market.currencies.get('BTC')!;
  let checked = 0;
  for (const slice of cm.slices.values()) {
    if (slice.years < 7 / 365) continue;
    const m = surface.expiries.find((e) => Number(e.expiryMs) === slice.expiry);
    assert.ok(m !== undefined, `expiry ${slice.expiry} published`);
    const truthAtm = Math.sqrt(slice.theta / slice.years);
    const err = Math.abs((m.atmVol ?? 0) - truthAtm) * 100;
    assert.ok(err <= 0.5, `ATM error ${err.toFixed(3)} vol pts at T=${slice.years.toFixed(3)}`);
    checked++;
  }
  return checked;
}

describe('volatility worker → surface worker', () => {
  it('surfaces from the volatility worker’s batches match the truth, before and after the market moves', () => {
    const market = new Market({ seed: 5, startTime: SIM_START, currencies: ['BTC'] });
    const vol = new VolatilityTransform({ core, clock: () => 0n, perfNow: () => 0 });
    const surface = new SurfaceTransform({ core, clockUs: () => 0, nowNs: () => 0n });
    const first = vol.apply(orderBookEvents(market, true));
    assert.ok(first.outputs.length >= 10);
    const out1 = split(surface.process(first.outputs).outputs);
    assert.deepEqual(surface.stats().dropped, {});
    const s1 = out1.surfaces.at(-1);
    assert.ok(s1 !== undefined);
    assert.ok(checkAgainstTruth(market, s1) >= 5);
    // Three seconds later: the index and surface moved; books requoted.
    market.advance(SIM_START + 3_000);
    const second = vol.apply(orderBookEvents(market, false));
    const out2 = split(surface.process(second.outputs).outputs);
    const s2 = out2.surfaces.at(-1);
    assert.ok(s2 !== undefined, 'the next display tick publishes');
    assert.ok(Number(s2.asOfMs) >= SIM_START + 3_000);
    assert.ok(checkAgainstTruth(market, s2) >= 5);
    assert.deepEqual(surface.stats().dropped, {});
  });
});
