import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createBus } from '@volstream/bus';
import { sampleEvents, TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { type MockKafka, startMockKafka } from '@volstream/testkit';
import { startCli } from './cli-process.ts';

/** A port free right now (the gateway binds it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('volstream gateway', () => {
  let kafka: MockKafka;
  before(async () => {
    kafka = await startMockKafka();
  });
  after(async () => {
    await kafka?.stop();
  });

  it('serves surfaces consumed from the real mock Kafka broker, requires the key and never logs it', async () => {
    const key = 'k-very-secret-123';
    const port = await freePort();
    const run = startCli(
      ['gateway', '--brokers', kafka.brokers.join(','), '--port', String(port), '--host', '127.0.0.1'],
      { VOLSTREAM_API_KEYS: key, LOG_LEVEL: 'debug' },
    );
    const logger = createLogger({ service: 'gateway-cli-test', level: 'silent' });
    const bus = createBus(
      {
        transport: 'kafka',
        brokers: kafka.brokers,
        clientId: 'gateway-cli-test',
        idempotent: false,
        compression: 'gzip',
      },
      { logger },
    );
    try {
      // Generous: tsx, kafkajs and the dashboard bundle load slowly when the 2 cores are shared.
      await run.waitForStderr(/gateway listening/, 90_000);
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await fetch(`${base}/v1/surfaces`)).status, 401);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      const producer = bus.producer();
      const event = sampleEvents().surface[1];
      assert.ok(event !== undefined);
      let status = 0;
      // The gateway starts at the end of the topic: publish until one event lands after its start.
      // (the Kafka group join can take seconds under load).
      for (let i = 0; i < 400 && status !== 200; i++) {
        await producer.send(TOPICS.surface, [event]);
        status = (await fetch(`${base}/v1/surfaces/BTC?api_key=${key}`)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 200);
      const res = await fetch(`${base}/v1/surfaces/BTC`, { headers: { 'x-api-key': key } });
      assert.equal(((await res.json()) as { venue: string }).venue, 'composite');
    } finally {
      await bus.close();
      run.child.kill('SIGTERM');
    }
    const result = await run.done;
    assert.equal(result.code, 0);
    assert.ok(
      !result.stderr.includes(key) && !result.stdout.includes(key),
      'the API key never reaches the logs',
    );
  });
});
