/**
 * A real ClickHouse server for tests: Debian's `clickhouse-server` (18.16, see
 * /work/shared/docs/INFRA.md "ClickHouse") started with a generated config in a temp dir, on
 * loopback and non-default ports, so it collides with nothing. It lives as long as the child
 * process; `freeze()`/`thaw()` stop and resume it (SIGSTOP/SIGCONT) for outage tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ClickHouseServerOptions {
  /** Executable (default `clickhouse-server` on PATH, or /usr/bin/clickhouse-server). */
  binary?: string;
  /** How long to wait for the server to answer, over all attempts (default 90 s: CI shares 2 cores). */
  startTimeoutMs?: number;
}

export interface ClickHouseTestServer {
  /** `http://127.0.0.1:PORT` for @clickhouse/client. */
  readonly url: string;
  readonly httpPort: number;
  readonly dataDir: string;
  freeze(): void;
  thaw(): void;
  /** Kills the server and removes its data dir. Safe to call twice. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  });
}

/** A free loopback port, chosen by the kernel. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function configXml(dir: string, httpPort: number, tcpPort: number, token: string): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <max_concurrent_queries>50</max_concurrent_queries>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mark_cache_size>67108864</mark_cache_size>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <macros><volstream_test_server>${token}</volstream_test_server></macros>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

/**
 * Which test server answers on `url`: its `volstream_test_server` macro, or undefined while nothing
 * answers. The ports are probed free before the server binds them, so another process (another test
 * file's server) may hold one by then: the token tells our server from a stranger.
 */
async function whoAnswers(url: string): Promise<string | undefined> {
  const query = "SELECT substitution FROM system.macros WHERE macro = 'volstream_test_server'";
  try {
    const res = await fetch(`${url}/?query=${encodeURIComponent(query)}`, {
      signal: AbortSignal.timeout(2_000),
    });
    return res.ok ? (await res.text()).trim() : undefined;
  } catch {
    return undefined;
  }
}

type Attempt = { server: ClickHouseTestServer } | { retry: boolean; error: Error };

/**
 * Starts a ClickHouse server and resolves once it answers as itself. Rejects with a clear message
 * when the binary is missing (`bash scripts/ensure-system-deps.sh clickhouse`) or it does not come
 * up. A server that exits before answering (a port taken between the probe and its bind) or a
 * stranger answering on its port is retried on fresh ports, at most 3 times.
 */
export async function startClickHouseServer(
  options: ClickHouseServerOptions = {},
): Promise<ClickHouseTestServer> {
  installExitHook();
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (let attempt = 1; ; attempt++) {
    const result = await startOnce(options, deadline);
    if ('server' in result) return result.server;
    if (!result.retry || attempt >= 3 || Date.now() > deadline) throw result.error;
  }
}

async function startOnce(options: ClickHouseServerOptions, deadline: number): Promise<Attempt> {
  const dir = mkdtempSync(join(tmpdir(), 'volstream-ch-'));
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub));
  const httpPort = await freePort();
  const tcpPort = await freePort();
  const token = randomBytes(8).toString('hex');
  writeFileSync(join(dir, 'config.xml'), configXml(dir, httpPort, tcpPort, token));
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  const binary = options.binary ?? 'clickhouse-server';
  const child = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  live.add(child);
  let spawnError: Error | undefined;
  let stderr = '';
  child.once('error', (err) => {
    spawnError = err;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString('utf8');
  });
  const url = `http://127.0.0.1:${httpPort}`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    live.delete(child);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const fail = async (retry: boolean, message: string): Promise<Attempt> => {
    await stop();
    return { retry, error: new Error(message) };
  };
  for (;;) {
    if (spawnError !== undefined) {
      return fail(
        false,
        `clickhouse-server could not start (${spawnError.message}); install it with: bash scripts/ensure-system-deps.sh clickhouse`,
      );
    }
    if (child.exitCode !== null) {
      return fail(true, `clickhouse-server exited with ${child.exitCode}: ${stderr.slice(0, 1000)}`);
    }
    const answer = await whoAnswers(url);
    if (answer === token) break;
    if (answer !== undefined) return fail(true, `another server answers on ${url}: port taken`);
    if (Date.now() > deadline) {
      return fail(false, `clickhouse-server did not answer ${url} in time: ${stderr.slice(0, 1000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    server: {
      url,
      httpPort,
      dataDir: dir,
      freeze: () => {
        child.kill('SIGSTOP');
      },
      thaw: () => {
        child.kill('SIGCONT');
      },
      stop,
    },
  };
}
