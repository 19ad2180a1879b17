/** Waiting in the bridge's tests that run real sockets and timers. */

/**
 * Polls `check` every 10 ms until it gives something truthy, and resolves with that; after
 * `timeoutMs` it rejects naming `what`.
 */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
