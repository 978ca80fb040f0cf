/**
 * A real ClickHouse server for tests: Debian's `clickhouse-server` (18.16, see
 * /work/shared/docs/INFRA.md "ClickHouse") started with a generated config in a temp dir, on
 * loopback and non-default ports, so it collides with nothing. It lives as long as the child
 * process; `freeze()`/`thaw()` stop and resume it (SIGSTOP/SIGCONT) for outage tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ClickHouseServerOptions {
  /** Executable (default `clickhouse-server` on PATH, or /usr/bin/clickhouse-server). */
  binary?: string;
  /** How long to wait for /ping (default 30 s). */
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

function configXml(dir: string, httpPort: number, tcpPort: number): string {
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

async function pingOnce(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts a ClickHouse server and resolves once `/ping` answers. Rejects with a clear message when
 * the binary is missing (`bash scripts/ensure-system-deps.sh clickhouse`) or it does not come up.
 */
export async function startClickHouseServer(
  options: ClickHouseServerOptions = {},
): Promise<ClickHouseTestServer> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'volstream-ch-'));
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub));
  const httpPort = await freePort();
  const tcpPort = await freePort();
  writeFileSync(join(dir, 'config.xml'), configXml(dir, httpPort, tcpPort));
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
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
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
  for (;;) {
    if (spawnError !== undefined) {
      await stop();
      throw new Error(
        `clickhouse-server could not start (${spawnError.message}); install it with: bash scripts/ensure-system-deps.sh clickhouse`,
      );
    }
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`clickhouse-server exited with ${child.exitCode}: ${stderr.slice(0, 1000)}`);
    }
    if (await pingOnce(url)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`clickhouse-server did not answer ${url}/ping in time: ${stderr.slice(0, 1000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
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
  };
}
