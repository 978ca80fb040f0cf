/**
 * A real Kafka wire-protocol broker for tests: librdkafka's built-in mock cluster, started through
 * Debian's `kcat` (see /work/shared/docs/INFRA.md "Kafka protocol" and
 * https://github.com/confluentinc/librdkafka/blob/master/src/rdkafka_mock.h). It auto-creates topics
 * with 4 partitions, supports consumer groups, manual commits and gzip; it does not support
 * `admin.createTopics` or the idempotent producer. It lives exactly as long as the kcat process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MockKafkaOptions {
  /** Number of mock brokers in the cluster (default 3). */
  brokers?: number;
  /**
   * How long to wait for the cluster to announce its bootstrap servers (default 30 s: kcat starts in
   * milliseconds on an idle machine, but CI shares 2 cores between test files).
   */
  startTimeoutMs?: number;
  /** kcat executable (default `kcat` on PATH). */
  kcatPath?: string;
}

export interface MockKafka {
  /** `host:port` of every mock broker, ready for kafkajs `brokers`. */
  readonly brokers: string[];
  /** Freezes the whole cluster (SIGSTOP): a broker that stops answering, for backpressure tests. */
  freeze(): void;
  /** Lets a frozen cluster run again (SIGCONT). */
  thaw(): void;
  /** Kills the kcat process and removes its log. Safe to call twice. */
  stop(): Promise<void>;
}

const BOOTSTRAP = /bootstrap\.servers=(\S+)/;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kill every broker still alive when the test process exits, so none outlives its tests. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function readBootstrap(logPath: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(logPath, 'latin1');
  } catch {
    return undefined;
  }
  return BOOTSTRAP.exec(text)?.[1];
}

/**
 * Starts a mock Kafka cluster and resolves once it accepts connections. Rejects with a clear
 * message when kcat is missing (`apt-get install kcat`) or the cluster does not come up in time.
 */
export async function startMockKafka(options: MockKafkaOptions = {}): Promise<MockKafka> {
  const count = options.brokers ?? 3;
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const dir = mkdtempSync(join(tmpdir(), 'volstream-mock-kafka-'));
  const logPath = join(dir, 'broker.log');
  const fd = openSync(logPath, 'w');
  // The topic only keeps kcat's consumer alive; `-d mock` makes the cluster print its address.
  const args = ['-C', '-b', 'localhost:1', '-t', `__keepalive_${randomBytes(4).toString('hex')}`];
  args.push('-X', `test.mock.num.brokers=${count}`, '-d', 'mock', '-q');
  const child = spawn(options.kcatPath ?? 'kcat', args, { stdio: ['ignore', 'ignore', fd] });
  closeSync(fd);
  live.add(child);
  installExitHook();

  let exited = false;
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  child.once('exit', () => {
    exited = true;
    live.delete(child);
  });

  const stop = async (): Promise<void> => {
    // A kcat that failed to spawn never emits 'exit'.
    if (!exited && spawnError === undefined && child.pid !== undefined) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnError !== undefined) {
      await stop();
      const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(
        missing
          ? 'Expected the kcat executable for the mock Kafka broker, was not found: apt-get install kcat'
          : `Expected kcat to start, was error: ${spawnError.message}`,
        { cause: spawnError },
      );
    }
    const servers = readBootstrap(logPath);
    if (servers !== undefined) {
      return {
        brokers: servers.split(','),
        freeze: () => child.kill('SIGSTOP'),
        thaw: () => child.kill('SIGCONT'),
        stop,
      };
    }
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `Expected kcat's mock cluster to print bootstrap.servers within ${timeoutMs} ms, was ${
          exited ? 'an exited kcat' : 'nothing'
        } (is kcat built with librdkafka >= 1.4? apt-get install kcat)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A topic name unique to this test run, so tests can share one broker without seeing each other. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}`;
}
