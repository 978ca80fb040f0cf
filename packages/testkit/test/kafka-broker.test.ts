import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { startMockKafka } from '../src/index.ts';

function canConnect(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: host ?? '127.0.0.1', port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('startMockKafka starts a cluster with the requested brokers and stop() takes it down', async () => {
  const kafka = await startMockKafka({ brokers: 2 });
  assert.equal(kafka.brokers.length, 2);
  for (const b of kafka.brokers) assert.match(b, /^127\.0\.0\.1:\d+$/);
  assert.equal(await canConnect(kafka.brokers[0]!), true);
  await kafka.stop();
  assert.equal(await canConnect(kafka.brokers[0]!), false);
  await kafka.stop();
});

test('a missing kcat is reported with the install command', async () => {
  await assert.rejects(startMockKafka({ kcatPath: '/nonexistent/kcat' }), /apt-get install kcat/);
});
