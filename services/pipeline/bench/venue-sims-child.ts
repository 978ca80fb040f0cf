// Several venues' simulators over one shared market in a process of their own (so their CPU is
// not counted as the pipeline's): `node --import tsx venue-sims-child.ts deribit,okx seed rate`.
// Prints one JSON line {urls: {venue: url}}; runs until SIGTERM.
import { startVenueSimulators } from '@volstream/exchange-sim';
import { createLogger } from '@volstream/logging';

const venues = (process.argv[2] ?? 'deribit').split(',');
const sims = await startVenueSimulators(
  { venues, seed: process.argv[3] ?? '11', rate: Number(process.argv[4] ?? 2000) },
  createLogger({ service: 'venue-sims', level: 'error' }),
);
process.stdout.write(
  `${JSON.stringify({ urls: Object.fromEntries(venues.map((v) => [v, sims.url(v)])) })}\n`,
);
process.once('SIGTERM', () => {
  sims.stop().then(() => process.exit(0));
});
