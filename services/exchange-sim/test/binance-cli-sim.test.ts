/**
 * `volstream sim --venue binance` and `volstream connector --venue binance --url …` as a user runs
 * them: the simulator prints its URLs and serves exchangeInfo; the connector, pointed at the
 * printed `url`, lists the instruments, subscribes, syncs books from REST snapshots, publishes
 * every event kind to a file and, on SIGTERM, exits 0 with its final stats.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/volstream.mjs', import.meta.url));

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { child, exited: once(child, 'exit'), out: () => out };
}

describe('volstream sim --venue binance with volstream connector --venue binance', () => {
  it('the connector syncs books from the simulator and exits 0 with clean stats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'binance-cli-'));
    const sim = run(['sim', '--venue', 'binance', '--seed', 'cli']);
    try {
      const deadline = Date.now() + 60_000;
      while (!sim.out().includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const line = JSON.parse(sim.out().split('\n')[0]!) as {
        venue: string;
        url: string;
        marketUrl: string;
        restUrl: string;
      };
      assert.equal(line.venue, 'binance');
      assert.match(line.url, /^ws:\/\/127\.0\.0\.1:\d+\/public\/stream$/);
      assert.match(line.marketUrl, /^ws:\/\/127\.0\.0\.1:\d+\/market\/stream$/);
      const info = (await (await fetch(`${line.restUrl}/eapi/v1/exchangeInfo`)).json()) as {
        optionSymbols: unknown[];
      };
      assert.ok(info.optionSymbols.length > 100);
      const file = join(dir, 'md.jsonl');
      const connector = run([
        'connector',
        '--venue',
        'binance',
        '--url',
        line.url,
        '--currencies',
        'BTC',
        '--sink',
        `file:${file}`,
      ]);
      // proto3 JSON: the payload is the one key beside the header.
      const kinds = (): Set<string> => {
        let text = '';
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          return new Set();
        }
        return new Set(
          text
            .split('\n')
            .filter((l) => l.endsWith('}'))
            .flatMap((l) =>
              Object.keys(JSON.parse(l) as Record<string, unknown>).filter((k) => k !== 'header'),
            ),
        );
      };
      const wanted = ['instrument', 'bookSnapshot', 'bookDelta', 'ticker', 'indexPrice'];
      // Waits for what it needs rather than a fixed time: the suite runs many files at once.
      const until = Date.now() + 90_000;
      while (!wanted.every((k) => kinds().has(k)) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200));
      }
      connector.child.kill('SIGTERM');
      const [code] = await connector.exited;
      assert.equal(code, 0);
      for (const kind of wanted)
        assert.ok(kinds().has(kind), `${kind} published (${[...kinds()].join(', ')})`);
      const final = (
        JSON.parse(connector.out().trim().split('\n').at(-1)!) as { final: Record<string, unknown> }
      ).final;
      assert.equal(final.venue, 'binance');
      assert.ok((final.instruments as number) > 50, `instruments ${String(final.instruments)}`);
      assert.ok((final.booksSynced as number) >= 1, `books synced ${String(final.booksSynced)}`);
      assert.equal(final.droppedTotal, 0, JSON.stringify(final.dropped));
      assert.equal(final.reconnects, 0);
    } finally {
      sim.child.kill('SIGTERM');
      await sim.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
