import { create } from '@bufbuild/protobuf';
import { type SurfaceEvent, SurfaceEventSchema } from './gen/volstream/v1/events_pb.ts';
import { OptionType } from './gen/volstream/v1/instrument_pb.ts';
import { ForwardSource } from './gen/volstream/v1/orderbook_pb.ts';
import { type Smile, SmileSchema } from './gen/volstream/v1/smile_pb.ts';
import { ArbitrageKind, AtmConvention, DeltaConvention } from './gen/volstream/v1/surface_pb.ts';
import {
  SAMPLE_EXPIRY_MS,
  SAMPLE_FORWARD,
  SAMPLE_INDEX,
  SAMPLE_INSTRUMENT,
  SAMPLE_TIME_MS,
} from './samples-marketdata.ts';
import { derivedHeader, SAMPLE_STRIKE, SAMPLE_T_YEARS } from './samples-pipeline.ts';

/**
 * Realistic surface-topic samples (a smile and a composite surface), every optional field set.
 * SVI parameters are a plausible BTC 2021 slice (ATM vol ~77 %, mild put skew); the metrics are
 * consistent in sign and size with it, not the output of a fit.
 */

const EARLIER_EXPIRY_MS = 1_627_632_000_000n; // 2021-07-30T08:00:00Z

export function sampleSmile(): Smile {
  return create(SmileSchema, {
    currency: 'BTC',
    venue: 'deribit',
    expiryMs: SAMPLE_EXPIRY_MS,
    forward: SAMPLE_FORWARD,
    timeToExpiryYears: SAMPLE_T_YEARS,
    atmVol: 0.7702,
    svi: { a: 0.0712, b: 0.1143, rho: -0.0861, m: 0.0458, sigma: 0.3112 },
    fitterId: 'volstream-svi-qe',
    fitterVersion: '0.1.0',
    diagnostics: {
      rmseVolPoints: 0.42,
      rmseTotalVariance: 0.00061,
      minG: 0.083,
      quotesInFit: 38,
      quotesThroughFit: 35,
      fitTimeUs: 33.4,
      iterations: 120,
      inputQuotes: 44,
      excludedQuotes: 6,
      repaired: true,
      butterflyFree: true,
    },
    quotes: [
      {
        instrumentName: SAMPLE_INSTRUMENT,
        strike: SAMPLE_STRIKE,
        logMoneyness: Math.log(SAMPLE_STRIKE / SAMPLE_FORWARD),
        optionType: OptionType.PUT,
        bidIv: 0.7584,
        askIv: 0.7764,
        midIv: 0.7674,
        weight: 0.83,
        inFit: true,
        venue: 'deribit',
        markIv: 0.7668,
      },
      {
        instrumentName: 'BTC-26JUN20-45000-C',
        strike: 45_000,
        logMoneyness: Math.log(45_000 / SAMPLE_FORWARD),
        optionType: OptionType.CALL,
        bidIv: 0.62,
        askIv: 0.98,
        midIv: 0.8,
        weight: 0,
        inFit: false,
        venue: 'deribit',
        markIv: 0.7903,
        excludedReason: 'wide_spread',
      },
    ],
    runId: 'live',
    asOfMs: SAMPLE_TIME_MS,
    forwardSource: ForwardSource.VENUE_UNDERLYING,
  });
}

export function sampleSurfaceEvents(): SurfaceEvent[] {
  const smile = create(SurfaceEventSchema, {
    header: derivedHeader('surface-worker-0', 'smile', 2_100_000n),
    payload: { case: 'smile', value: sampleSmile() },
  });
  const surfaceHeader = derivedHeader('surface-worker-0', 'surface', 2_600_000n);
  surfaceHeader.venue = 'composite';
  const surface = create(SurfaceEventSchema, {
    header: surfaceHeader,
    payload: {
      case: 'surface',
      value: {
        currency: 'BTC',
        venue: 'composite',
        asOfMs: SAMPLE_TIME_MS,
        indexPrice: SAMPLE_INDEX,
        smiles: [sampleSmile()],
        expiries: [
          {
            expiryMs: SAMPLE_EXPIRY_MS,
            timeToExpiryYears: SAMPLE_T_YEARS,
            forward: SAMPLE_FORWARD,
            atmVol: 0.7702,
            rr25: -0.0412,
            bf25: 0.0187,
            rr10: -0.0735,
            bf10: 0.0561,
            forwardVol: 0.7815,
            contributions: [
              { venue: 'deribit', quotes: 38, excludedQuotes: 6, weight: 0.9, forward: SAMPLE_FORWARD },
              { venue: 'okx', quotes: 6, excludedQuotes: 2, weight: 0.1, forward: SAMPLE_FORWARD + 12.5 },
              { venue: 'bybit', quotes: 0, excludedQuotes: 9, weight: 0, forward: 32_391.5, stale: true },
            ],
          },
        ],
        tenors: [
          {
            tenorDays: 30,
            atmVol: 0.7458,
            rr25: -0.0526,
            bf25: 0.0171,
            rr10: -0.0913,
            bf10: 0.0522,
            forwardVol: 0.7631,
            extrapolated: false,
          },
        ],
        riskNodes: [
          { tenorDays: 30, deltaLabel: '25P', delta: -0.25, vol: 0.7843, strike: 28_900 },
          { tenorDays: 30, deltaLabel: 'ATM', delta: 0.5, vol: 0.7458, strike: 32_366.75 },
        ],
        deltaConvention: DeltaConvention.PREMIUM_ADJUSTED,
        atmConvention: AtmConvention.FORWARD,
        arbitrage: {
          butterflyViolations: 1,
          calendarViolations: 1,
          repairedSmiles: 1,
          violations: [
            {
              kind: ArbitrageKind.CALENDAR,
              expiryMs: SAMPLE_EXPIRY_MS,
              otherExpiryMs: EARLIER_EXPIRY_MS,
              logMoneyness: -0.62,
              magnitude: 0.0004,
              repaired: false,
            },
          ],
        },
        staleness: { newestInputAgeMs: 43n, oldestInputAgeMs: 1_812n },
        runId: 'live',
        fitterId: 'volstream-svi-qe',
        fitterVersion: '0.1.0',
        contributions: [
          { venue: 'deribit', quotes: 38, expiries: 1, weight: 0.9 },
          { venue: 'okx', quotes: 6, expiries: 1, weight: 0.1 },
        ],
        venueDisagreement: [
          {
            expiryMs: SAMPLE_EXPIRY_MS,
            venues: [
              { venue: 'deribit', atmVol: 0.7702 },
              { venue: 'okx', atmVol: 0.7791 },
            ],
            atmVolSpread: 0.0089,
          },
        ],
      },
    },
  });
  return [smile, surface];
}
