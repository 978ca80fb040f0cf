/**
 * Fast encoder throughput (src/fast/encode-marketdata.ts) against protobuf-es toBinary, for the same
 * option book delta and option ticker as codec.bench.ts, and fast encode + registry decode against
 * JSON.parse of the equivalent REAL Deribit message (the codec.bench.ts baseline:
 * shared/data/exchange_ws_message_samples/deribit_options_and_book.json); the fast decoder against
 * fromBinary. Rounds interleaved, medians.
 * Run: node --import tsx packages/contracts/bench/fast-codec.bench.ts
 * Prints one JSON line per figure: {"bench","value","unit","baseline","ratio", ...}.
 */
import { decodeMarketDataEvent } from '../src/fast/decode-marketdata.ts';
import { encodeMarketDataEvent } from '../src/fast/encode-marketdata.ts';
import { fromBinary, MarketDataEventSchema, TOPICS, toBinary } from '../src/index.ts';
import { delta, figure, interleaved, type Json, rawDelta, rawTicker, sink, ticker } from './harness.ts';

const spec = TOPICS.marketdata;
for (const [name, event, raw] of [
  ['book_delta', delta, rawDelta],
  ['ticker', ticker, rawTicker],
] as const) {
  const [pbes, fast, jsonParse, fastRoundTrip, pbesRoundTrip] = interleaved([
    () => {
      sink.n += toBinary(MarketDataEventSchema, event).length;
    },
    () => {
      sink.n += encodeMarketDataEvent(event).length;
    },
    () => {
      sink.n += (JSON.parse(raw) as Json).jsonrpc === '2.0' ? 1 : 0;
    },
    () => {
      sink.n += spec.decode(encodeMarketDataEvent(event)).payload.case === undefined ? 0 : 1;
    },
    () => {
      sink.n += spec.decode(toBinary(MarketDataEventSchema, event)).payload.case === undefined ? 0 : 1;
    },
  ]) as [number, number, number, number, number];
  const bytes = toBinary(MarketDataEventSchema, event);
  const [pbesDecode, fastDecode, jsonAgain, fastBoth] = interleaved([
    () => {
      sink.n += fromBinary(MarketDataEventSchema, bytes).payload.case === undefined ? 0 : 1;
    },
    () => {
      sink.n += decodeMarketDataEvent(bytes)?.payload.case === undefined ? 0 : 1;
    },
    () => {
      sink.n += (JSON.parse(raw) as Json).jsonrpc === '2.0' ? 1 : 0;
    },
    () => {
      sink.n += decodeMarketDataEvent(encodeMarketDataEvent(event))?.payload.case === undefined ? 0 : 1;
    },
  ]) as [number, number, number, number];
  figure(`contracts.fast.${name}.decode`, fastDecode, 'msgs/s', pbesDecode, {
    baselineName: 'protobuf-es fromBinary',
    jsonParse: Math.round(jsonAgain),
    ratioToJsonParse: Number((fastDecode / jsonAgain).toFixed(3)),
  });
  figure(`contracts.fast.${name}.fast_encode_fast_decode`, fastBoth, 'msgs/s', jsonAgain, {
    baselineName: 'JSON.parse of the real Deribit message',
  });
  figure(`contracts.fast.${name}.encode`, fast, 'msgs/s', pbes, {
    baselineName: 'protobuf-es toBinary',
    nsPerMsg: Number((1e9 / fast).toFixed(0)),
    baselineNsPerMsg: Number((1e9 / pbes).toFixed(0)),
  });
  const note = { baselineName: 'JSON.parse of the real Deribit message', jsonBytes: raw.length };
  figure(`contracts.fast.${name}.encode_decode`, fastRoundTrip, 'msgs/s', jsonParse, note);
  figure(`contracts.pbes.${name}.encode_decode`, pbesRoundTrip, 'msgs/s', jsonParse, note);
}
if (sink.n === 0) throw new Error('Expected the benchmark to consume its results, was 0');
