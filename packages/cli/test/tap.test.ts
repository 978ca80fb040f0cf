import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBus } from '@volstream/bus';
import { sampleEvents, TOPIC_NAMES, TOPICS } from '@volstream/contracts';
import { createLogger } from '@volstream/logging';
import { type MockKafka, startMockKafka } from '@volstream/testkit';
import { type CliResult, runCli, startCli } from './cli-process.ts';

interface TapLine {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  timestamp: number;
  value: Record<string, unknown>;
}

describe('volstream tap', () => {
  let kafka: MockKafka;

  before(async () => {
    kafka = await startMockKafka();
  });
  after(async () => {
    await kafka?.stop();
  });

  it('prints events produced on the real mock Kafka broker as protobuf-JSON lines, skipping bad bytes', async () => {
    const topic = TOPICS.marketdata;
    const events = sampleEvents().marketdata;
    const first = events[0];
    assert.ok(first !== undefined && events.length >= 2);
    const logger = createLogger({ service: 'tap-test', level: 'silent' });
    const bus = createBus(
      {
        transport: 'kafka',
        brokers: kafka.brokers,
        clientId: 'tap-test',
        idempotent: false,
        compression: 'gzip',
      },
      { logger },
    );
    try {
      const producer = bus.producer();
      // Undecodable bytes in the first event's partition, ahead of it: tap must skip and count them.
      await producer.sendRaw(topic.name, [
        { key: topic.keyOf(first), value: new Uint8Array([0xff, 0xff, 0xff, 0x07]) },
      ]);
      await producer.send(topic, events);
      await producer.flush();
    } finally {
      await bus.close();
    }

    const result = await runCli([
      'tap',
      topic.name,
      '--brokers',
      kafka.brokers.join(','),
      '--from-beginning',
      '--limit',
      String(events.length),
      '--log-level',
      'warn',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TapLine);
    assert.equal(lines.length, events.length);
    const expected = events.map((e) => ({ key: topic.keyOf(e), value: topic.toJson(e) }));
    const byOrder = (a: { key: string; value: unknown }, b: { key: string; value: unknown }): number =>
      (a.key + JSON.stringify(a.value)).localeCompare(b.key + JSON.stringify(b.value));
    assert.deepEqual(
      lines.map((l) => ({ key: l.key, value: l.value })).sort(byOrder),
      [...expected].sort(byOrder),
    );
    for (const line of lines) {
      assert.equal(line.topic, topic.name);
      assert.ok(line.partition >= 0 && line.offset >= 0 && line.timestamp > 0);
    }
    assert.match(result.stderr, /skipped 1 undecodable message\(s\): \{"BUS_DECODE_FAILED":1\}/);
  });

  it('reads what `volstream run` published through Kafka: simulator -> connector -> broker -> tap', async () => {
    const brokers = kafka.brokers.join(',');
    // The tap runs while the run publishes and ends once it has printed 20 records, so the test waits
    // on that condition, not on a fixed --for that a loaded machine may spend on start-up alone.
    // (--for is only a safety net for a test that dies without stopping the run.)
    const run = startCli([
      'run',
      '--brokers',
      brokers,
      '--source',
      'sim',
      '--sim-rate',
      '500',
      '--for',
      '250s',
      '--no-store',
    ]);
    let tap: CliResult | undefined;
    try {
      await run.waitForStderr(/"msg":"running \d+ component/, 150_000);
      const tapping = startCli([
        'tap',
        TOPICS.marketdata.name,
        '--brokers',
        brokers,
        '--from-beginning',
        '--limit',
        '20',
        '--log-level',
        'warn',
      ]);
      const deadline = setTimeout(() => tapping.child.kill('SIGKILL'), 120_000);
      tap = await tapping.done;
      clearTimeout(deadline);
    } finally {
      run.child.kill('SIGTERM');
    }
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /"msg":"bus: kafka on /);
    assert.equal(tap.code, 0, `tap (killed after 120 s if still running): ${tap.signal} ${tap.stderr}`);
    const lines = tap.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TapLine);
    assert.equal(lines.length, 20);
    for (const line of lines) {
      assert.equal(line.topic, TOPICS.marketdata.name);
      assert.match(line.key, /^deribit:/);
      assert.equal(typeof line.value, 'object');
    }
  });

  it('rejects an unknown topic with the list of known topics (exit 2)', async () => {
    const result = await runCli(['tap', 'volstream.nope.v1', '--brokers', kafka.brokers.join(',')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown topic 'volstream\.nope\.v1'/);
    for (const name of TOPIC_NAMES) assert.ok(result.stderr.includes(name), name);
    assert.equal(result.stdout, '');
  });
});
