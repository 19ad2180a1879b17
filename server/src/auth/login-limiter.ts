/**
 * Counts failed logins per client address and per username in a sliding window. When either
 * key has reached the limit, further attempts are refused (429) without checking the password,
 * so guessing stops even with the right password in hand. A success clears the username's
 * count but not the address's: an attacker with one valid account cannot reset their address.
 *
 * Two stores with one contract: `MemoryLoginLimiter` for one node, and `RedisLoginLimiter` when
 * several nodes answer (`AERIE_REDIS_URL`), so a guesser gains nothing from the load balancer
 * sending each attempt to another node.
 */
import type { Redis } from 'ioredis';

export interface LoginLimiter {
  /** True when `ip` or `username` may not try again yet. */
  isBlocked(ip: string, username: string): Promise<boolean>;
  recordFailure(ip: string, username: string): Promise<void>;
  recordSuccess(username: string): Promise<void>;
}

export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
  now: () => number;
}

const MAX_KEYS = 10_000;

export class MemoryLoginLimiter implements LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly opts: LoginLimiterOptions) {}

  async isBlocked(ip: string, username: string): Promise<boolean> {
    return (
      this.count(`ip:${ip}`) >= this.opts.maxFailures ||
      this.count(`user:${username}`) >= this.opts.maxFailures
    );
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    if (this.failures.size > MAX_KEYS) this.prune();
    for (const key of [`ip:${ip}`, `user:${username}`]) {
      const list = this.recent(key);
      list.push(this.opts.now());
      this.failures.set(key, list);
    }
  }

  async recordSuccess(username: string): Promise<void> {
    this.failures.delete(`user:${username}`);
  }

  private count(key: string): number {
    return this.recent(key).length;
  }

  private recent(key: string): number[] {
    const since = this.opts.now() - this.opts.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) {
      if (this.recent(key).length === 0) this.failures.delete(key);
    }
  }
}

/**
 * The same counts in Redis, shared by every node: one sorted set per key, scored by failure time
 * (milliseconds of `now`), trimmed to the window and expiring with it.
 */
export class RedisLoginLimiter implements LoginLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly opts: LoginLimiterOptions & { prefix?: string },
  ) {}

  private key(k: string): string {
    return `${this.opts.prefix ?? 'aerie:login:'}${k}`;
  }

  async isBlocked(ip: string, username: string): Promise<boolean> {
    const since = this.opts.now() - this.opts.windowMs;
    const counts = await this.redis
      .multi()
      .zcount(this.key(`ip:${ip}`), `(${since}`, '+inf')
      .zcount(this.key(`user:${username}`), `(${since}`, '+inf')
      .exec();
    return (counts ?? []).some(([err, n]) => {
      if (err) throw err;
      return Number(n) >= this.opts.maxFailures;
    });
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    const now = this.opts.now();
    const since = now - this.opts.windowMs;
    const m = this.redis.multi();
    for (const k of [`ip:${ip}`, `user:${username}`]) {
      const key = this.key(k);
      // A unique member per failure: two at the same millisecond both count.
      m.zadd(key, now, `${now}:${Math.random().toString(36).slice(2)}`)
        .zremrangebyscore(key, '-inf', since)
        .pexpire(key, this.opts.windowMs);
    }
    const out = await m.exec();
    for (const [err] of out ?? []) if (err) throw err;
  }

  async recordSuccess(username: string): Promise<void> {
    await this.redis.del(this.key(`user:${username}`));
  }
}
