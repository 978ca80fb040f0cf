/**
 * @volstream/dashboard: the live dashboard's build (esbuild) and the page the gateway serves at `/`.
 * The browser app itself is src/app (bundled, never imported by Node code).
 */
export { buildDashboard, DASHBOARD_DIST, ensureBuilt, isStale } from './build.ts';
export { type DataSource, dashboardPage, dataSource, setDataSource } from './page.ts';
