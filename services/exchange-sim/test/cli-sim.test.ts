/** `volstream sim` as a user runs it: a child process that prints its URL and serves until --for ends. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TestClient } from './client.ts';

const BIN = fileURLToPath(new URL('../../../bin/volstream.mjs', import.meta.url));

describe('volstream sim', () => {
  it('prints its URL as JSON, serves Deribit with the given faults, and exits 0 after --for', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'sim', '--seed', 'cli', '--rate', '500', '--for', '10s', '--faults', 'drop_deltas:count=1'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LOG_LEVEL: 'silent' },
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = once(child, 'exit');
    const deadline = Date.now() + 60_000;
    while (!out.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const line = JSON.parse(out.split('\n')[0]!) as {
      venue: string;
      url: string;
      truthUrl: string;
      port: number;
    };
    assert.equal(line.venue, 'deribit');
    assert.match(line.url, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/api\/v2$/);
    const c = await TestClient.connect(line.url);
    assert.deepEqual((await c.request('public/test')).result, { version: '1.2.26' });
    const truth = (await (await fetch(line.truthUrl)).json()) as { currencies: Record<string, unknown> };
    assert.ok('BTC' in truth.currencies && 'ETH' in truth.currencies);
    c.close();
    const [code] = await exited;
    assert.equal(code, 0);
  });

  it('exits 2 on a malformed --faults', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', '--faults', 'explode'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
  });
});
