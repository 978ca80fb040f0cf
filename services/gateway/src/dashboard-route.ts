/**
 * The live dashboard at `/` (packages/dashboard, docs/DASHBOARD.md). The bundle is built at gateway
 * start when dist is missing or older than the sources (cheap when fresh: a few stat calls), and
 * again on a request if the sources changed since; the page is one self-contained HTML response.
 */
import { dashboardPage, ensureBuilt } from '@volstream/dashboard';
import type { FastifyInstance } from 'fastify';

export function registerDashboard(app: FastifyInstance): void {
  // Start building now so the first visitor does not wait; failures surface on the request.
  ensureBuilt().catch((error: unknown) => app.log.warn({ err: error }, 'dashboard build failed'));
  app.get('/', async (_req, reply) => {
    const html = await dashboardPage();
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  });
}
