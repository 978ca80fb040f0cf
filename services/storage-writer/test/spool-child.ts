// Child process of spool-resume.test.ts: a storage writer in spool mode whose store never
// acknowledges an insert (each one hangs), fed a simulated session on an in-process bus. It prints
// one JSON status line once every event is off the bus and in the spool, then waits to be killed.
import { createBus, type TopicCodec } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { type Store, startStorageWriter } from '../src/index.ts';
import { sessionEvents } from './events.ts';

const [spoolDir, seed, steps] = process.argv.slice(2);
const logger = createLogger({ service: 'spool-child', level: 'silent' });
const hanging: Store = {
  backend: 'chdb',
  exec: async () => {},
  query: async () => [],
  queryText: async () => '',
  insert: () => new Promise(() => {}),
  insertRowBinary: () => new Promise(() => {}),
  queryBytes: async () => new Uint8Array(0),
  close: async () => {},
};
const ev = await sessionEvents(Number(seed), Number(steps));
const bus = createBus({ transport: 'inprocess' }, { logger });
const writer = await startStorageWriter(
  hanging,
  { bus, logger },
  { spool: { dir: String(spoolDir), lingerMs: 20 } },
);
const producer = bus.producer();
await producer.send(TOPICS.marketdata as TopicCodec<unknown>, ev.marketdata);
await producer.send(TOPICS.volatility as TopicCodec<unknown>, ev.volatility);
await producer.send(TOPICS.surface as TopicCodec<unknown>, ev.surface);
const total = ev.marketdata.length + ev.volatility.length + ev.surface.length;
for (;;) {
  const s = writer.stats();
  if (s.messages === total && s.spool?.events === total) {
    process.stdout.write(`${JSON.stringify({ spooled: s.spool.events, segments: s.spool.segments })}\n`);
    break;
  }
  await new Promise((r) => setTimeout(r, 20));
}
setInterval(() => {}, 1_000);
