import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The dashboard's static files (src/admin/dashboard/) and uPlot from node_modules, read once at
 * start and served by the admin listener itself: no CDN, so the page works on an isolated host
 * and its CSP can be `'self'` only.
 */
export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'login.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'login.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

function dashboardDir(): string {
  const beside = fileURLToPath(new URL('./dashboard/', import.meta.url));
  // Built to dist/admin/: the files ship in the package's src/admin/dashboard/.
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../src/admin/dashboard/', import.meta.url));
}

export function loadDashboardAssets(): ReadonlyMap<string, Asset> {
  const dir = dashboardDir();
  const assets = new Map<string, Asset>();
  for (const [name, type] of Object.entries(FILES)) {
    assets.set(name, { type, body: readFileSync(`${dir}${name}`) });
  }
  const require = createRequire(import.meta.url);
  assets.set('uplot.js', {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')),
  });
  assets.set('uplot.css', {
    type: 'text/css; charset=utf-8',
    body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')),
  });
  return assets;
}
