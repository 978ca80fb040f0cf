/**
 * `--metrics-port`: GET /metrics (Prometheus text) and GET /report (the run report as JSON) on
 * loopback-by-default HTTP, until the gateway serves them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reportToPrometheus } from './prometheus.ts';
import type { RunReport } from './report.ts';

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(
  report: () => RunReport,
  port: number,
  host = '127.0.0.1',
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(reportToPrometheus(report()));
    } else if (req.method === 'GET' && path === '/report') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(report()));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /metrics or /report\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
