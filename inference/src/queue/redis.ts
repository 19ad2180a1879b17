/**
 * Redis connections for the detection queue, and the check that stops start-up with a clear
 * message when Redis cannot be reached (ioredis alone would retry quietly for ever).
 */
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** The URL with any password replaced, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Checks the URL's form; an error names what is wrong. */
export function checkRedisUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `'${url}' is not a URL (expected redis://host:port)`;
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    return `'${redactRedisUrl(url)}' is not a redis:// or rediss:// URL`;
  return null;
}

/**
 * Connection options for BullMQ (which then owns and closes its connections). `blocking` is
 * for workers and event listeners: BullMQ needs `maxRetriesPerRequest: null` there, so a
 * blocking read survives a Redis restart.
 */
export function redisOptions(url: string, opts: { blocking?: boolean } = {}): RedisOptions {
  const bad = checkRedisUrl(url);
  if (bad) throw new Error(`Redis URL: ${bad}`);
  return { url, maxRetriesPerRequest: opts.blocking ? null : 3 };
}

/**
 * Connects once, pings and disconnects; fails with the address and the reason
 * (ECONNREFUSED, a timeout, a wrong password) instead of retrying.
 */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const bad = checkRedisUrl(url);
  if (bad) throw new Error(`Redis URL: ${bad}`);
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // connect() rejects with a bare 'Connection is closed.'; the reason comes as an 'error' event.
  let reason: NodeJS.ErrnoException | undefined;
  probe.on('error', (err: NodeJS.ErrnoException) => {
    reason ??= err;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const e = reason ?? (err as NodeJS.ErrnoException);
    throw new Error(`cannot reach Redis at ${redactRedisUrl(url)}: ${e.code ?? e.message}`);
  } finally {
    probe.disconnect();
  }
}
