// ManagedConnection's silence detection across a stalled event loop: a frame that arrived while
// the process did not run (CPU starvation on a loaded machine, a long GC pause) sits unread in
// the socket, and timers run before I/O when the loop resumes, so a wall-clock silence check
// would drop a healthy socket. Time the process did not run must not count as the venue's
// silence; a socket that really is silent is still dropped.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@volstream/logging';
import { type WebSocket, WebSocketServer } from 'ws';
import { createReceiveClock } from '../src/clock.ts';
import { ManagedConnection } from '../src/connection.ts';
import { sleep, waitFor } from './helpers/harness.ts';

/** Blocks the event loop for `ms`, as a starved process does. */
function stall(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
}

describe('connection silence detection across a stalled event loop', () => {
  let server: WebSocketServer;
  let url: string;
  const peers: WebSocket[] = [];

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => peers.push(ws));
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const p of peers) p.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps a socket whose frame arrived during a stall longer than silenceMs; drops a silent one', async () => {
    const frames: string[] = [];
    const closes: string[] = [];
    const conn = new ManagedConnection(
      {
        url,
        name: 'stall-test',
        silenceMs: 600,
        connectTimeoutMs: 5000,
        backoffBaseMs: 50,
        backoffCapMs: 200,
        stableMs: 600,
        clock: createReceiveClock(),
        logger: createLogger({ service: 'connector-test', level: 'silent' }),
      },
      {
        onOpen: () => {},
        onFrame: (text) => frames.push(text),
        onClose: (reason) => closes.push(reason),
      },
    );
    conn.start();
    try {
      await waitFor('the peer', () => peers.length === 1 && conn.isOpen);
      const peer = peers[0]!;
      peer.send('a');
      await waitFor('frame a', () => frames.length === 1);
      // Quiet for a while (below silenceMs): the checks since frame a have seen no new frame.
      await sleep(350);
      // Outside the timers phase, as when the process is descheduled while handling I/O: frame b
      // reaches the socket, then nothing runs for longer than silenceMs.
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          peer.send('b');
          stall(900);
          resolve();
        }),
      );
      await waitFor('frame b or a close', () => frames.length === 2 || closes.length > 0);
      assert.deepEqual(closes, [], 'not dropped for a silence that was our own stall');
      assert.equal(conn.connects, 1);
      // The peer now says nothing: dropped for silence after silenceMs of running time.
      await waitFor('the silent socket dropped', () => closes.length > 0, 20_000);
      assert.match(closes[0]!, /.+/);
    } finally {
      await conn.stop();
    }
  });
});
