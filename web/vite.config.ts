/**
 * Builds the console into `web/dist`, which the server serves at `/`. Cesium's static assets
 * (web workers, the bundled Natural Earth II imagery, widget CSS and images) are copied into
 * `dist/cesium/`, so the globe renders with no internet and no Ion token. `npm run dev -w
 * @aerie/web` serves the same with hot reload, proxying the API and sockets to a running server
 * (AERIE_SERVER, default http://127.0.0.1:8080).
 */
import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const CESIUM_BUILD = path.join(path.dirname(require.resolve('cesium/package.json')), 'Build', 'Cesium');
const CESIUM_DIRS = ['Workers', 'ThirdParty', 'Assets', 'Widgets'];
/** Where Cesium's assets live under the console's root (also set as CESIUM_BASE_URL). */
export const CESIUM_BASE = '/cesium/';

const MIME: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.xml': 'application/xml',
};

function cesiumAssets(): Plugin {
  let outDir = 'dist';
  return {
    name: 'aerie-cesium-assets',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(CESIUM_BASE, (req, res, next) => {
        const rel = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
        const file = path.join(CESIUM_BUILD, path.normalize(rel));
        if (!file.startsWith(CESIUM_BUILD) || !existsSync(file) || !statSync(file).isFile()) return next();
        res.setHeader('content-type', MIME[path.extname(file)] ?? 'application/octet-stream');
        createReadStream(file).pipe(res);
      });
    },
    closeBundle() {
      for (const dir of CESIUM_DIRS) {
        cpSync(path.join(CESIUM_BUILD, dir), path.join(outDir, 'cesium', dir), { recursive: true });
      }
    },
  };
}

const server = process.env.AERIE_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: path.dirname(new URL(import.meta.url).pathname),
  plugins: [react(), cesiumAssets()],
  define: { CESIUM_BASE_URL: JSON.stringify(CESIUM_BASE) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
