import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

/**
 * Every file the page loads, served by the app itself (no CDN: the page works
 * offline). ECharts comes from its npm package; the rest from public/, which
 * sits three levels up from both src/http/routes and dist/http/routes.
 */
const ASSETS: Record<string, { path: string; type: string }> = {
  'echarts.min.js': { path: require.resolve('echarts/dist/echarts.min.js'), type: 'text/javascript; charset=utf-8' },
  'reporting.js': { path: fileURLToPath(new URL('../../../public/reporting.js', import.meta.url)), type: 'text/javascript; charset=utf-8' },
  'reporting.css': { path: fileURLToPath(new URL('../../../public/reporting.css', import.meta.url)), type: 'text/css; charset=utf-8' },
};

export function registerAssetRoutes(app: FastifyInstance): void {
  for (const [name, asset] of Object.entries(ASSETS)) {
    app.get(`/assets/${name}`, (_request, reply) =>
      reply
        .header('content-type', asset.type)
        .header('cache-control', 'public, max-age=300')
        .header('x-content-type-options', 'nosniff')
        .send(createReadStream(asset.path)),
    );
  }
}
