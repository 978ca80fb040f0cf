// Writer idempotency across a crash: the writer runs as a child process (src/main.ts) on a real
// Kafka wire-protocol broker (librdkafka's mock cluster, @volstream/testkit) and the embedded
// store. It is killed with SIGKILL while batches are still being inserted (some rows stored,
// offsets of the in-flight batch not committed), restarted, and left to catch up: the stored
// rows then equal those of a run without the crash (same counts per table, every event once).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, it } from 'node:test';
import { type Bus, createBus } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { type MockKafka, startMockKafka } from '@volstream/testkit';
import { openStore } from '../src/index.ts';
import { expectedCounts, sessionEvents, type TopicEvents } from './events.ts';

const logger = createLogger({ service: 'storage-writer-test', level: 'silent' });
const MAIN = new URL('../src/main.ts', import.meta.url).pathname;
let kafka: MockKafka;
let bus: Bus;
let dir: string;
let ev: TopicEvents;

before(async () => {
  ev = await sessionEvents(31, 40);
  kafka = await startMockKafka();
  bus = createBus(
    {
      transport: 'kafka',
      brokers: kafka.brokers,
      clientId: 'crash-test',
      idempotent: false,
      compression: 'gzip',
    },
    { logger },
  );
  dir = mkdtempSync(join(tmpdir(), 'volstream-crash-'));
});
after(async () => {
  await bus.close();
  await kafka.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Status {
  rows: Record<string, number>;
  lag: number;
  messages: number;
}

/** Starts the writer child; `onStatus` sees each status line until it returns true. */
function startWriter(onStatus: (s: Status) => boolean): { child: ChildProcess; done: Promise<Status> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      VOLSTREAM_BROKERS: kafka.brokers.join(','),
      VOLSTREAM_STORE: 'chdb',
      VOLSTREAM_STORE_DIR: dir,
      VOLSTREAM_STORE_BATCH: '300',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const done = new Promise<Status>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('writer child timed out')), 90_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let s: Status;
      try {
        s = JSON.parse(line) as Status;
      } catch {
        return;
      }
      if (onStatus(s)) {
        clearTimeout(timer);
        lines.close();
        resolve(s);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error('writer child exited early'));
    });
  });
  return { child, done };
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));

it('kill -9 mid-stream, restart: stored rows equal a run without the crash', async () => {
  const producer = bus.producer();
  await producer.send(TOPICS.marketdata, ev.marketdata);
  await producer.send(TOPICS.volatility, ev.volatility);
  await producer.send(TOPICS.surface, ev.surface);
  await producer.flush();

  // First life: killed as soon as some market data is stored but much is still to come.
  const first = startWriter((s) => (s.rows.marketdata ?? 0) > 0 && s.lag > 0);
  const atKill = await first.done;
  first.child.kill('SIGKILL');
  await exited(first.child);
  assert.ok(atKill.lag > 0, 'killed before catching up');

  // Second life: the group resumes from the last committed offsets and redelivers the rest.
  const second = startWriter((s) => s.lag === 0 && s.messages > 0);
  await second.done;
  second.child.kill('SIGTERM');
  await exited(second.child);

  const store = await openStore({ backend: 'chdb', dataDir: dir });
  try {
    const counts: Record<string, number> = {};
    for (const t of ['marketdata', 'vol_quotes', 'smiles', 'surfaces', 'surface_tenors']) {
      const [row] = await store.query<{ n: string; u: string }>(
        `SELECT count() AS n, uniqExact(event_id) AS u FROM ${t} FINAL`,
      );
      assert.equal(row?.n, row?.u, `${t}: an event id stored twice`);
      counts[t] = Number(row?.n);
    }
    assert.deepEqual(counts, expectedCounts(ev));
  } finally {
    await store.close();
  }
});
