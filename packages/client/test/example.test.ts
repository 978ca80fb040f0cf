// The SDK example (examples/atm-rr.ts) run as a user runs it, as a child process against a real
// gateway: it must connect, print the snapshot's tenor rows, then each pushed surface update.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Bus, createBus } from '@volstream/bus';
import { type SurfaceEvent, sampleEvents, TOPICS } from '@volstream/contracts';
import { build, type Gateway } from '@volstream/gateway';
import { createLogger } from '@volstream/logging';

const EXAMPLE = fileURLToPath(new URL('../examples/atm-rr.ts', import.meta.url));
const logger = createLogger({ service: 'client-example-test', level: 'silent' });

/** The sample composite surface with a 30-day tenor of the given ATM vol and RR25. */
function surfaceEvent(currency: string, atmVol: number, rr25: number): SurfaceEvent {
  const event = sampleEvents().surface[1];
  if (event?.payload.case !== 'surface') throw new Error('sample surface missing');
  const surface = event.payload.value;
  surface.currency = currency;
  const tenor = surface.tenors[0];
  if (tenor === undefined) throw new Error('sample surface has no tenor');
  tenor.atmVol = atmVol;
  tenor.rr25 = rr25;
  return event;
}

/**
 * Resolves with everything the child wrote once `pattern` matches, rejects on exit or timeout. The
 * deadline is generous: the child compiles the example and the SDK through tsx first, which takes
 * many seconds when the 2 CI cores are shared with other test files.
 */
function waitForOutput(
  child: ChildProcess,
  read: () => string,
  pattern: RegExp,
  ms = 90_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${pattern} within ${ms} ms; output so far:\n${read()}`));
    }, ms);
    const check = (): void => {
      if (pattern.test(read())) {
        cleanup();
        resolve(read());
      }
    };
    const exited = (code: number | null): void => {
      cleanup();
      reject(new Error(`example exited (${code}) before ${pattern}:\n${read()}`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', exited);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', exited);
    check();
  });
}

let bus: Bus;
let gateway: Gateway;
let port: number;

before(async () => {
  bus = createBus({ transport: 'inprocess' }, { logger });
  gateway = build({ logger, bus });
  port = await gateway.listen(0, '127.0.0.1');
});

after(async () => {
  await gateway.close();
  await bus.close();
});

test('examples/atm-rr.ts prints the snapshot, then each update, with ATM and RR25 by tenor', async () => {
  const producer = bus.producer();
  await producer.send(TOPICS.surface, [surfaceEvent('BTC', 0.6512, -0.0345)]);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', EXAMPLE, '--url', `ws://127.0.0.1:${port}`, '--currency', 'btc'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  try {
    await waitForOutput(child, () => stdout + stderr, /ATM\s+65\.12 %\s+RR25\s+-3\.45 %/);
    assert.match(stderr, new RegExp(`connected to ws://127\\.0\\.0\\.1:${port}`));
    assert.match(stdout, /^composite BTC @ \d{4}-\d\d-\d\dT/m);
    assert.match(stdout, /^\s+30d {2}ATM/m);

    // An ETH surface is filtered out by the subscription; the next BTC one is printed.
    await producer.send(TOPICS.surface, [surfaceEvent('ETH', 0.8, 0.01), surfaceEvent('BTC', 0.7, 0.021)]);
    await waitForOutput(child, () => stdout, /ATM\s+70\.00 %\s+RR25\s+2\.10 %/);
    assert.doesNotMatch(stdout, /ETH/);
    assert.equal(stdout.match(/^composite BTC/gm)?.length, 2);
  } finally {
    child.kill('SIGINT');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  }
  assert.equal(child.exitCode ?? 0, 0, `example exit; stderr:\n${stderr}`);
});
