// The dispatcher console: the web role serves the built page (dist/web, made by scripts/build-web.mjs). Hashed assets are cached for a year; index.html is never cached, so a deploy shows at once.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import staticFiles from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.js';

/** The console's own pages: each answers index.html, and the page's router shows the screen. */
export const CONSOLE_ROUTES = ['/', '/incidents/:code', '/people', '/audit', '/set-password', '/account', '/simulator', '/committees', '/committees/:id', '/places'];

/** dist/web, whether this file runs from src/http (tests) or dist/src/http (built). */
function webDir(): string {
  const up = fileURLToPath(new URL('../../', import.meta.url));
  return basename(up) === 'dist' ? join(up, 'web') : join(up, 'dist', 'web');
}

export async function webRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  const dir = webDir();
  const indexFile = join(dir, 'index.html');
  const tiles = deps.config.mapTilesUrl ?? 'none';
  // Read per request outside production, so a rebuild during development shows without a restart.
  let cached: string | undefined;
  const indexHtml = (): string | undefined => {
    if (cached) return cached;
    if (!existsSync(indexFile)) return undefined;
    const html = readFileSync(indexFile, 'utf8').replace('__MAP_TILES_URL__', escapeAttribute(tiles));
    if (deps.config.env === 'production') cached = html;
    return html;
  };

  if (existsSync(join(dir, 'assets'))) {
    await app.register(staticFiles, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      index: false,
      decorateReply: false,
      cacheControl: false,
      setHeaders: (reply) => void reply.header('cache-control', 'public, max-age=31536000, immutable'),
    });
  }

  for (const url of CONSOLE_ROUTES) {
    app.get(url, async (_request, reply) => {
      const html = indexHtml();
      if (!html) return reply.status(503).send({ error: 'the console is not built: run npm run build' });
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
    });
  }
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
