/**
 * Serves the built web console at `/`: files of the build as they are (hashed assets cached
 * for a year, index.html never cached), and index.html for any other page path so the
 * console's own router can show it (a reload on /sorties/42 works). API and socket paths are
 * never answered with the console: an unknown /api route stays a JSON 404.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const NOT_CONSOLE = /^\/(api|socket\.io)(\/|$)/;

export async function installConsole(app: FastifyInstance, dir: string | null): Promise<void> {
  const root = dir ? path.resolve(dir) : null;
  const built = root !== null && existsSync(path.join(root, 'index.html'));
  if (root && !built) {
    app.log.warn(
      { dir: root },
      'the web console is not built; run `npm run build -w @aerie/web` (aerie up does it)',
    );
  }
  if (!root || !built) return;
  await app.register(fastifyStatic, { root, serve: false });

  app.get('/*', { config: { permission: 'public' }, schema: { hide: true } }, async (req, reply) => {
    if (NOT_CONSOLE.test(req.url)) return reply.callNotFound();
    const rel = decodeURIComponent((req.params as { '*': string })['*'] ?? '');
    const file = path.resolve(root, rel);
    const inside = file.startsWith(root + path.sep);
    if (rel && inside && existsSync(file) && statSync(file).isFile()) {
      const hashed = rel.startsWith('assets/');
      return reply.sendFile(rel, {
        maxAge: hashed ? 365 * 24 * 3600 * 1000 : 3600 * 1000,
        immutable: hashed,
      });
    }
    // A file-like path that does not exist is a real 404, not the console.
    if (path.extname(rel)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
  });
}
