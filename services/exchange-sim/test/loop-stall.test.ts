// Liveness deadlines of the simulators count only time the process ran (src/loop-stall.ts): a
// client that answers keeps its connection across a stall of the shared event loop longer than
// the deadline (what a loaded CI machine or a long GC pause does), and a client that never
// answers is still closed. Each stall is a synchronous busy-wait, so the old wall-clock deadlines
// fail these tests every time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startBinanceSimulator } from '../src/binance/simulator.ts';
import { startBybitSimulator } from '../src/bybit/simulator.ts';
import { startDeribitSimulator } from '../src/index.ts';
import { LoopStall } from '../src/loop-stall.ts';
import { TestClient } from './client.ts';

const CALENDAR = { dailies: 0, weeklies: 1, monthlies: 0, quarterlies: 0 };

/** Blocks the event loop for `ms`, as a starved process does. */
function stall(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
}

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`Expected ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function open(url: string, autoPong = true): Promise<{ ws: WebSocket; closed: () => boolean }> {
  const ws = new WebSocket(url, { autoPong });
  let closed = false;
  ws.on('close', () => {
    closed = true;
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, closed: () => closed };
}

describe('simulator liveness deadlines across a stalled event loop', () => {
  it('LoopStall reports only the lateness beyond the period', () => {
    const s = new LoopStall(100);
    assert.equal(s.late(1000), 0, 'first run: nothing to compare');
    assert.equal(s.late(1100), 0);
    assert.equal(s.late(1190), 0, 'early is not late');
    assert.equal(s.late(1890), 600);
  });

  it('Deribit keeps a client answering test_request across a stall of 4 heartbeat intervals', async () => {
    const sim = await startDeribitSimulator({
      seed: 'stall',
      minHeartbeatIntervalS: 0.05,
      currencies: ['BTC'],
    });
    try {
      const c = await TestClient.connect(sim.url);
      let answered = 0;
      c.ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { method?: string; params?: { type?: string } };
        if (m.method === 'heartbeat' && m.params?.type === 'test_request') {
          answered++;
          // The process stalls with this test_request unanswered.
          if (answered === 2) stall(600);
          c.send({ jsonrpc: '2.0', id: 1000 + answered, method: 'public/test', params: {} });
        }
      });
      assert.equal((await c.request('public/set_heartbeat', { interval: 0.15 })).result, 'ok');
      await c.waitFor(() => answered >= 5, 20_000, 'three more test_requests after the stall');
      assert.equal(c.closed, false);
      assert.equal(sim.stats().counters.heartbeatDrops, 0);
      // A client that stops answering is still dropped.
      c.ws.removeAllListeners('message');
      await c.waitFor(() => c.closed, 20_000, 'the silent client closed');
      assert.equal(sim.stats().counters.heartbeatDrops, 1);
    } finally {
      await sim.stop();
    }
  });

  it('Bybit keeps a pinging client across a stall longer than pingTimeoutMs', async () => {
    const sim = await startBybitSimulator({
      seed: 'stall',
      currencies: ['BTC'],
      calendar: CALENDAR,
      tickMs: 20,
      pingTimeoutMs: 200,
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const pinging = await open(sim.url);
      let pongs = 0;
      pinging.ws.on('message', () => {
        pongs += 1;
        // The process stalls while handling I/O, so the server loop's timer is due before the
        // next ping can be read.
        if (pongs === 2) stall(600);
      });
      timer = setInterval(() => pinging.ws.send(JSON.stringify({ op: 'ping' })), 40);
      await until('the stall', () => pongs >= 3);
      const quiet = await open(sim.url);
      await until('the quiet client closed', quiet.closed);
      assert.equal(pinging.closed(), false, 'the pinging client survived the stall');
      pinging.ws.close();
    } finally {
      clearInterval(timer);
      await sim.stop();
    }
  });

  it('Binance keeps a ponging client across a stall longer than pongTimeoutMs', async () => {
    const sim = await startBinanceSimulator({
      seed: 'stall',
      currencies: ['BTC'],
      calendar: CALENDAR,
      pingIntervalMs: 50,
      pongTimeoutMs: 200,
    });
    try {
      const ponging = await open(sim.url);
      let pings = 0;
      ponging.ws.on('ping', () => {
        pings += 1;
        // The pong is already written; the server reads it only after its pinger's next turn.
        if (pings === 2) stall(600);
      });
      await until('the stall', () => pings >= 3);
      const mute = await open(sim.url, false);
      await until('the mute client closed', mute.closed);
      assert.equal(ponging.closed(), false, 'the ponging client survived the stall');
      ponging.ws.close();
    } finally {
      await sim.stop();
    }
  });
});
