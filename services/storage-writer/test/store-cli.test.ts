// `volstream store` as a user runs it: the writer command on a Kafka wire-protocol broker (mock
// cluster) into an embedded store under --data-dir; after SIGTERM it prints its row counts, and
// `volstream sql` on the same data dir sees every event once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { type Bus, createBus } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { type MockKafka, startMockKafka } from '@volstream/testkit';
import { startCli } from '../../../packages/cli/test/cli-process.ts';
import { simulatorSession } from '../../replay/test/helpers/fill.ts';

const logger = createLogger({ service: 'store-cli-test', level: 'silent' });
let kafka: MockKafka;
let bus: Bus;
let dataDir: string;

before(async () => {
  kafka = await startMockKafka();
  bus = createBus(
    {
      transport: 'kafka',
      brokers: kafka.brokers,
      clientId: 'store-cli-test',
      idempotent: false,
      compression: 'gzip',
    },
    { logger },
  );
  dataDir = mkdtempSync(join(tmpdir(), 'volstream-store-cli-'));
});
after(async () => {
  await bus.close();
  await kafka.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('volstream store consumes the topics into the data dir', async () => {
  const events = await simulatorSession(19, 10);
  const producer = bus.producer();
  await producer.send(TOPICS.marketdata, events);
  await producer.flush();
  const run = startCli([
    'store',
    '--brokers',
    kafka.brokers.join(','),
    '--data-dir',
    dataDir,
    '--log-level',
    'info',
  ]);
  await run.waitForStderr(/storage writer consuming/, 30_000);
  // The command logs its progress once a second: wait for every event stored and no lag.
  await run.waitForStderr(new RegExp(`"marketdata":${events.length}\\}.*"lag":0`), 60_000);
  run.child.kill('SIGTERM');
  const done = await run.done;
  assert.equal(done.code, 0, done.stderr);
  const stats = JSON.parse(done.stdout) as { rows: Record<string, number> };
  assert.equal(stats.rows.marketdata, events.length);
  const q = await startCli([
    'sql',
    'SELECT count() AS n, uniqExact(event_id) AS u FROM marketdata FINAL',
    '--data-dir',
    dataDir,
    '--format',
    'csv',
  ]).done;
  assert.equal(q.stdout, `"n","u"\n${events.length},${events.length}\n`);
});
