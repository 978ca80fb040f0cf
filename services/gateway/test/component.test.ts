import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { createBus } from '@volstream/bus';
import { TOPICS } from '@volstream/contracts';
import { createGatewayComponent } from '../src/index.ts';
import { logger, surfaceEvent, surfaceOf } from './helpers.ts';

test('run component: listens, serves what the bus carries, falls back from a busy port only when allowed', async () => {
  const bus = createBus({ transport: 'inprocess' }, { logger });
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const busy = (blocker.address() as { port: number }).port;
  try {
    const strict = createGatewayComponent({ port: busy });
    await assert.rejects(
      strict.start({ bus, logger }),
      (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE',
    );

    const component = createGatewayComponent({ port: busy, fallbackToEphemeral: true });
    const { describe } = await component.start({ bus, logger });
    const port = Number(/:(\d+) \(REST/.exec(describe)?.[1]);
    assert.ok(port > 0 && port !== busy, describe);
    await bus.producer().send(TOPICS.surface, [surfaceEvent(surfaceOf('BTC', 'composite', 0.64))]);
    // The bus delivers asynchronously: poll until the surface is served (generous deadline for CI).
    let body: { smiles?: { atmVol: number }[] } = {};
    const deadline = Date.now() + 30_000;
    while (body.smiles === undefined && Date.now() < deadline) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/surfaces/BTC`);
      if (res.ok) body = (await res.json()) as typeof body;
      else await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(body.smiles?.[0]?.atmVol, 0.64);
    await component.stop();
  } finally {
    blocker.close();
    await bus.close();
  }
});
