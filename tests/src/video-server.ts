/** For the video tests: an Aerie server on loopback with the given video sources, signed in as admin. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { startLocalServer } from './local-server.ts';

export interface VideoServer {
  app: FastifyInstance;
  /** `127.0.0.1:PORT` (prefix `http://` or `ws://`). */
  host: string;
  /** The admin's session token. */
  token: string;
  /** The data folder (media store under `media/`). */
  dir: string;
  close(): Promise<void>;
}

export async function startVideoServer(opts: {
  adminPassword: string;
  sources: Record<string, string>;
  /** The built console to serve, for browser tests. */
  consoleDir?: string;
  /** Sortie recording settings (segment length, retention). */
  recording?: { segmentS?: number; retentionDays?: number };
}): Promise<VideoServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-video-'));
  const server = await startLocalServer({
    dataDir: dir,
    adminPassword: opts.adminPassword,
    config: {
      ...(opts.consoleDir && { consoleDir: opts.consoleDir }),
      video: { sources: opts.sources, ...(opts.recording && { recording: opts.recording }) },
    },
  });
  return {
    app: server.app,
    host: `127.0.0.1:${server.port}`,
    token: server.admin,
    dir,
    async close() {
      await server.app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
