/**
 * The console's build as Node sees it: where the built files are, whether they are older than
 * the sources, and a build that the server start (`aerie up`) and the end-to-end tests run
 * when they are. The browser code itself is in `web/src`.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The built console (index.html and its assets); what the server serves at `/`. */
export const WEB_DIST_DIR = path.join(WEB_ROOT, 'dist');

/** What the build reads: a change to any of these makes the build stale. */
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** True when there is no build, or a source file changed after it was made. */
export function isConsoleBuildStale(): boolean {
  const index = path.join(WEB_DIST_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(WEB_ROOT, s)) > built);
}

export interface BuildConsoleOptions {
  /** Called with one line of progress at a time. */
  log?: (line: string) => void;
  /** Build even when the build is current. */
  force?: boolean;
}

/**
 * Builds the console with Vite unless the build is current. Returns whether it built.
 * Takes 30-90 s on a small machine (Cesium is large); callers say so before calling.
 */
export async function buildConsole(opts: BuildConsoleOptions = {}): Promise<boolean> {
  if (!opts.force && !isConsoleBuildStale()) return false;
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const { build } = await import('vite');
  // Built beside the live folder and swapped in, so a server serving the old build (or a
  // second build running at the same time) never sees half a console.
  const tmp = `${WEB_DIST_DIR}.building-${process.pid}-${Date.now()}`;
  try {
    await build({
      configFile: path.join(WEB_ROOT, 'vite.config.ts'),
      root: WEB_ROOT,
      logLevel: 'warn',
      mode: 'production',
      build: { outDir: tmp, emptyOutDir: true },
    });
    const old = `${WEB_DIST_DIR}.old-${process.pid}-${Date.now()}`;
    if (existsSync(WEB_DIST_DIR)) renameSync(WEB_DIST_DIR, old);
    renameSync(tmp, WEB_DIST_DIR);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  log(`console built in ${((Date.now() - started) / 1000).toFixed(0)} s (${WEB_DIST_DIR})`);
  return true;
}
