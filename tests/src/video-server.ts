/** For the video tests: an Aerie server on loopback with the given video sources, signed in as admin. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from '@aerie/server';
import type { FastifyInstance } from 'fastify';

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
  const app = await build({
    announce: () => {},
    config: {
      dataDir: dir,
      logLevel: 'silent',
      adminPassword: opts.adminPassword,
      ...(opts.consoleDir && { consoleDir: opts.consoleDir }),
      video: { sources: opts.sources, ...(opts.recording && { recording: opts.recording }) },
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password: opts.adminPassword },
  });
  return {
    app,
    host: `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    token: login.json().token as string,
    dir,
    async close() {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
