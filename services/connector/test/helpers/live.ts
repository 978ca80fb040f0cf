import { connect } from 'node:net';

/**
 * The opt-in scaffolding of the `*.live.test.ts` files (real venues, public data, no credentials):
 * they run only with RUN_LIVE_TESTS=1 and when every host answers; otherwise they are skipped with
 * the reason this returns (CI here has no route to any exchange).
 */

/** Whether a TCP connection to host:port opens within 3 s (no data exchanged). */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** `false` to run, else the skip reason: RUN_LIVE_TESTS unset, or a host unreachable. */
export async function liveSkip(hosts: readonly (readonly [string, number])[]): Promise<string | false> {
  const names = hosts.map(([host, port]) => `${host}:${port}`);
  if (process.env.RUN_LIVE_TESTS !== '1')
    return `live venue test: set RUN_LIVE_TESTS=1 on a machine that can reach ${names.join(' and ')}`;
  for (const [host, port] of hosts) {
    if (!(await reachable(host, port)))
      return `RUN_LIVE_TESTS=1 but ${names.join(' or ')} is unreachable from this machine (offline)`;
  }
  return false;
}
