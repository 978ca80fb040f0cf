/**
 * The single page the gateway serves at `/`: dist/index.html with app.css and app.js inlined and the
 * data source injected. One self-contained response because the gateway's auth hook lets only `/`
 * (and the health/docs paths) through without an API key; the page then passes the key from its
 * own `?api_key=` to the stream.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DASHBOARD_DIST, ensureBuilt } from './build.ts';

export type DataSource = 'sim' | 'live' | 'unknown';

let source: DataSource | undefined;

/**
 * Declares where the served data comes from; the page shows a SIMULATED DATA banner for "sim".
 * The embedding process (e.g. `volstream run` with the simulator) calls this: the gateway has no
 * notion of the source yet. Falls back to VOLSTREAM_SOURCE=sim|live from the environment.
 */
export function setDataSource(value: DataSource | undefined): void {
  source = value;
}

export function dataSource(): DataSource {
  if (source !== undefined) return source;
  const env = process.env.VOLSTREAM_SOURCE;
  return env === 'sim' || env === 'live' ? env : 'unknown';
}

let cached: { key: string; html: string } | undefined;

/** `</script` inside inlined code would end the element early. */
const inlineSafe = (code: string): string =>
  code.replaceAll('</script', '<\\/script').replaceAll('</style', '<\\/style');

/** The page HTML; builds the bundle first when it is missing or stale. */
export async function dashboardPage(): Promise<string> {
  await ensureBuilt();
  const paths = ['index.html', 'app.css', 'app.js'].map((n) => join(DASHBOARD_DIST, n));
  const mtimes = await Promise.all(paths.map(async (p) => (await stat(p)).mtimeMs));
  const key = `${mtimes.join(',')}|${dataSource()}`;
  if (cached?.key === key) return cached.html;
  const [html, css, js] = await Promise.all(paths.map((p) => readFile(p, 'utf8')));
  const meta = JSON.stringify({ source: dataSource() });
  const page = (html ?? '')
    .replace('<!--volstream:head-->', () => `<style>${inlineSafe(css ?? '')}</style>`)
    .replace(
      '<!--volstream:body-->',
      () =>
        `<script>window.__VOLSTREAM__=${meta}</script><script type="module">${inlineSafe(js ?? '')}</script>`,
    );
  cached = { key, html: page };
  return page;
}
