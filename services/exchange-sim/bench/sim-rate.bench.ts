/**
 * Maximum aggregate notification rate of the Deribit simulator on this machine: 4 connections,
 * each subscribed to book+ticker of the same 150 options, unlimited rate and no per-instrument
 * interval, counted by a client in a separate process. Baseline (same run, same client): a naive
 * server built on the same Market that serialises each notification per subscriber and calls
 * `ws.send` once per message, i.e. without the simulator's encode-once and one-write-per-tick
 * batching. Prints one JSON line per figure.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { Market } from '../src/deribit/market.ts';
import { bookChangeData, tickerData } from '../src/deribit/messages.ts';
import { initPricing } from '../src/deribit/pricing.ts';
import { startDeribitSimulator } from '../src/index.ts';

const CONNECTIONS = 4;
const INSTRUMENTS = 150;
const WARMUP_MS = 1500;
const WINDOW_MS = 4000;
const CLIENT = fileURLToPath(new URL('./rate-client.mjs', import.meta.url));

function runClient(
  url: string,
  instruments: string[],
): Promise<{ frames: number; bytes: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLIENT, url, String(CONNECTIONS), JSON.stringify(instruments), String(WARMUP_MS), String(WINDOW_MS)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${code}`)),
    );
  });
}

function pick(names: string[]): string[] {
  return names.filter((n) => /-[CP]$/.test(n)).slice(0, INSTRUMENTS);
}

async function measureSimulator(): Promise<{ rate: number; mbps: number }> {
  const sim = await startDeribitSimulator({ seed: 'bench', rate: 10_000_000, minIntervalMs: 0, tickMs: 5 });
  const instruments = pick([...sim.market!.byName.keys()]);
  const r = await runClient(sim.url, instruments);
  await sim.stop();
  return { rate: r.frames / r.seconds, mbps: r.bytes / r.seconds / 1e6 };
}

/** The naive server: per message JSON.stringify and ws.send, per subscriber, driven by setImmediate. */
async function measureBaseline(): Promise<{ rate: number }> {
  await initPricing();
  const market = new Market({ seed: 'bench', startTime: Date.now() });
  const instruments = pick([...market.byName.keys()]);
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const clients = new Set<import('ws').WebSocket>();
  wss.on('connection', (ws) => {
    ws.on('message', () => clients.add(ws));
    ws.on('close', () => clients.delete(ws));
  });
  let running = true;
  let i = 0;
  const loop = (): void => {
    if (!running) return;
    market.advance(Date.now());
    for (let n = 0; n < 200; n++) {
      const inst = market.byName.get(instruments[i++ % instruments.length]!)!;
      const u = market.updateBook(inst);
      for (const ws of clients) {
        ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            method: 'subscription',
            params: {
              channel: `book.${inst.name}.100ms`,
              data: bookChangeData(market.now, inst.name, u.prev, u.changeId, u.bids, u.asks),
            },
          }),
        );
        ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            method: 'subscription',
            params: { channel: `ticker.${inst.name}.100ms`, data: tickerData(market, inst) },
          }),
        );
      }
    }
    setImmediate(loop);
  };
  loop();
  const port = (wss.address() as import('node:net').AddressInfo).port;
  const r = await runClient(`ws://127.0.0.1:${port}/`, instruments);
  running = false;
  for (const ws of clients) ws.terminate();
  wss.close();
  return { rate: r.frames / r.seconds };
}

const baseline = await measureBaseline();
const sim = await measureSimulator();
const line = (bench: string, value: number, unit: string, base: number | null): void => {
  console.log(
    JSON.stringify({
      bench,
      value: Math.round(value),
      unit,
      baseline: base === null ? null : Math.round(base),
      ratio: base === null ? null : Math.round((value / base) * 100) / 100,
    }),
  );
};
line('sim-max-aggregate-rate', sim.rate, 'msgs/s', baseline.rate);
line('sim-throughput', sim.mbps, 'MB/s', null);
