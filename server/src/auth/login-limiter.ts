/**
 * Counts failed logins per client address and per username in a sliding window. When either
 * key has reached the limit, further attempts are refused (429) without checking the password,
 * so guessing stops even with the right password in hand. A success clears the username's
 * count but not the address's: an attacker with one valid account cannot reset their address.
 */
export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
  now: () => number;
}

const MAX_KEYS = 10_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly opts: LoginLimiterOptions) {}

  /** True when `ip` or `username` may not try again yet. */
  isBlocked(ip: string, username: string): boolean {
    return (
      this.count(`ip:${ip}`) >= this.opts.maxFailures ||
      this.count(`user:${username}`) >= this.opts.maxFailures
    );
  }

  recordFailure(ip: string, username: string): void {
    if (this.failures.size > MAX_KEYS) this.prune();
    for (const key of [`ip:${ip}`, `user:${username}`]) {
      const list = this.recent(key);
      list.push(this.opts.now());
      this.failures.set(key, list);
    }
  }

  recordSuccess(username: string): void {
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
