/** `volstream sim --venue okx` as a user runs it: prints URLs, serves OKX v5, exits 0 after --for. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const BIN = fileURLToPath(new URL('../../../bin/volstream.mjs', import.meta.url));

describe('volstream sim --venue okx', () => {
  it('prints {venue,url,restUrl,port}, answers REST and ping, and exits 0 after --for', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', '--venue', 'okx', '--seed', 'cli', '--for', '10s'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
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
      restUrl: string;
      port: number;
    };
    assert.equal(line.venue, 'okx');
    assert.match(line.url, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/v5\/public$/);
    const rest = (await (
      await fetch(`${line.restUrl}/api/v5/public/instruments?instType=OPTION&uly=ETH-USD`)
    ).json()) as { code: string; data: unknown[] };
    assert.equal(rest.code, '0');
    assert.ok(rest.data.length > 0);
    const ws = new WebSocket(line.url);
    await once(ws, 'open');
    ws.send('ping');
    const [pong] = (await once(ws, 'message')) as [Buffer];
    assert.equal(pong.toString(), 'pong');
    ws.close();
    const [code] = await exited;
    assert.equal(code, 0);
  });

  it('exits 2 when a Deribit-only option is given with --venue okx', async () => {
    const child = spawn(process.execPath, [BIN, 'sim', '--venue', 'okx', '--faults', 'stall:ms=5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
  });
});
