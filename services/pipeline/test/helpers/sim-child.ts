// The Deribit simulator in a process of its own (so its CPU does not share the connector's event
// loop), with 1 s heartbeats allowed. Prints one JSON line {url, base}; reads commands on stdin:
// `rate N minInterval M` changes the feed's rate and per-instrument interval live (the simulator
// has no runtime rate control, so the feed instance is captured on its first tick). Runs until
// SIGTERM or stdin closes.
import { createInterface } from 'node:readline';
import { startDeribitSimulator } from '@volstream/exchange-sim';
import { SimFeed, type SimFeedOptions } from '../../../exchange-sim/src/deribit/sim-feed.ts';

let feed: { options: SimFeedOptions } | undefined;
const tick = SimFeed.prototype.tick;
SimFeed.prototype.tick = function (this: SimFeed, simNow: number, wallMs: number): void {
  feed = this;
  tick.call(this, simNow, wallMs);
};

const sim = await startDeribitSimulator({
  seed: process.argv[2] ?? '11',
  rate: Number(process.argv[3] ?? 2000),
  minHeartbeatIntervalS: 1,
});
process.stdout.write(`${JSON.stringify({ url: sim.url, base: sim.truthUrl.replace(/\/truth$/, '') })}\n`);
const stop = (): void => {
  sim.stop().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
createInterface({ input: process.stdin })
  .on('line', (line) => {
    const m = /^rate (\d+) minInterval (\d+)$/.exec(line.trim());
    if (m !== null && feed !== undefined) {
      feed.options.rate = Number(m[1]);
      feed.options.minIntervalMs = Number(m[2]);
      process.stdout.write(`${JSON.stringify({ rate: feed.options.rate })}\n`);
    }
  })
  .on('close', stop);
