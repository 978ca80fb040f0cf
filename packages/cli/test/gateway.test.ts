import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBus } from '@volstream/bus';
import { sampleEvents, TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { type MockKafka, startMockKafka } from '@volstream/testkit';
import { listeningPort, startCli } from './cli-process.ts';

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
    // --port 0: the kernel picks a port at bind time (a port probed free earlier may be taken since).
    const run = startCli(
      ['gateway', '--brokers', kafka.brokers.join(','), '--port', '0', '--host', '127.0.0.1'],
      {
        VOLSTREAM_API_KEYS: key,
        LOG_LEVEL: 'debug',
      },
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
      await run.waitForStderr(/"msg":"gateway listening"/, 90_000);
      const base = `http://127.0.0.1:${listeningPort(run.stderr())}`;
      assert.equal((await fetch(`${base}/v1/surfaces`)).status, 401);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      const producer = bus.producer();
      const event = sampleEvents().surface[1];
      assert.ok(event !== undefined);
      let status = 0;
      // The gateway starts at the end of the topic: publish until one event lands after its start.
      // (the Kafka group join took over 35 s once under CI load: a deadline, not a round count).
      const deadline = Date.now() + 120_000;
      while (status !== 200 && Date.now() < deadline) {
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
