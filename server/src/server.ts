/**
 * The listening server, and the process entry point (`node --import tsx server/src/server.ts`).
 * This file is the only one that reads environment variables.
 */
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type BuildOptions, build } from './app.ts';
import { configFromEnv, mapsDirOf, parseServerConfig, type ServerConfigInput } from './config.ts';
import { DEFAULT_MAP_NAME, ensureDefaultBasemap } from './maps/default-basemap.ts';

export interface RunningServer {
  app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:8080 (with the port the OS chose for port 0). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Builds the application and listens on the configured host and port. */
export async function startServer(
  config: ServerConfigInput = {},
  opts: Omit<BuildOptions, 'config'> = {},
): Promise<RunningServer> {
  const parsed = parseServerConfig(config);
  // The default basemap is cut before the console can ask for it (a missing file is only logged:
  // the console then falls back to the bundled globe imagery).
  if (parsed.ok && parsed.value.map.generateDefault && parsed.value.map.basemap === DEFAULT_MAP_NAME) {
    const { map } = parsed.value;
    try {
      ensureDefaultBasemap(
        mapsDirOf(parsed.value),
        { region: map.defaultRegion, maxZoom: map.defaultMaxZoom },
        (line) => process.stdout.write(`aerie server: ${line}\n`),
      );
    } catch (err) {
      process.stderr.write(`aerie server: default basemap not made: ${(err as Error).message}\n`);
    }
  }
  const app = await build({ ...opts, config });
  try {
    const { host, port } = app.aerie.config;
    await app.listen({ host, port });
    const addr = app.server.address();
    const bound = typeof addr === 'object' && addr ? addr.port : port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return { app, url: `http://${shownHost}:${bound}`, port: bound, close: () => app.close() };
  } catch (err) {
    await app.close();
    throw err;
  }
}

async function main(): Promise<void> {
  const running = await startServer(configFromEnv(process.env) as ServerConfigInput);
  const stop = () => {
    running.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`aerie server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
