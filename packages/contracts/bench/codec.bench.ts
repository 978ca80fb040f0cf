/**
 * Codec throughput of the marketdata contract: protobuf encode+decode (through the registry, so the
 * schema-version check is included) of a typical option book delta and option ticker, each measured
 * against JSON.parse of the equivalent REAL Deribit message in the same run
 * (shared/data/exchange_ws_message_samples/deribit_options_and_book.json: the
 * book.ETH-10SEP21-3350-P.raw change and the ticker.BTC-5JUN20-9250-C.raw notification).
 * Run: node --import tsx packages/contracts/bench/codec.bench.ts
 * Prints one JSON line per figure: {"bench","value","unit","baseline","ratio", ...}.
 */
import { TOPICS } from '../src/index.ts';
import { delta, figure, interleaved, type Json, rawDelta, rawTicker, sink, ticker } from './harness.ts';

const spec = TOPICS.marketdata;
for (const [name, event, raw] of [
  ['book_delta', delta, rawDelta],
  ['ticker', ticker, rawTicker],
] as const) {
  const bytes = spec.encode(event);
  const [jsonParse, roundTrip, decodeOnly] = interleaved([
    () => {
      sink.n += (JSON.parse(raw) as Json).jsonrpc === '2.0' ? 1 : 0;
    },
    () => {
      sink.n += spec.decode(spec.encode(event)).payload.case === undefined ? 0 : 1;
    },
    () => {
      sink.n += spec.decode(bytes).payload.case === undefined ? 0 : 1;
    },
  ]) as [number, number, number];
  const note = {
    baselineName: 'JSON.parse of the real Deribit message',
    protoBytes: bytes.length,
    jsonBytes: raw.length,
  };
  figure(`contracts.${name}.encode_decode`, roundTrip, 'msgs/s', jsonParse, note);
  figure(`contracts.${name}.decode`, decodeOnly, 'msgs/s', jsonParse, note);
  figure(`contracts.${name}.size`, bytes.length, 'bytes', raw.length, {
    baselineName: 'JSON text of the Deribit message',
  });
}
if (sink.n === 0) throw new Error('Expected the benchmark to consume its results, was 0');
