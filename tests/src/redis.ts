/**
 * A throwaway redis-server for the multi-node and detection-queue tests (Debian's `redis-server`; `.ci/run` installs
 * it): a free port on loopback, no persistence, a temporary working folder, stopped and removed
 * by `close()`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freeTcpPort, until } from './cli.ts';

export interface RedisServer {
  url: string;
  port: number;
  child: ChildProcess;
  close(): Promise<void>;
  /** The same as `close`. */
  stop(): Promise<void>;
}

/** The name the detection queue's tests use. */
export type TestRedis = RedisServer;

export async function startRedis(): Promise<RedisServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-redis-'));
  const port = await freeTcpPort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const spawnError = new Promise<string>((resolve) =>
    child.once('error', (err) =>
      resolve(`${err.message} (is redis-server installed? apt-get install redis-server)`),
    ),
  );
  let failed: string | null = null;
  void spawnError.then((m) => {
    failed = m;
  });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until(async () => out.includes('Ready to accept connections'), 'redis-server to start', 10_000, {
      stopIf: () => failed ?? (child.exitCode !== null ? `redis-server exited:\n${out}` : null),
    });
  } catch (err) {
    await close();
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, port, child, close, stop: close };
}
