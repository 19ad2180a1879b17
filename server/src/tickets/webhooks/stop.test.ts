/**
 * A graceful stop (app.close, what SIGTERM runs) waits for the webhook post under way and records
 * it before the database closes and the lease goes; a receiver that never answers is cut after
 * the grace and the attempt recorded as failed. The receiver is the dispatcher's injected `fetch`.
 */
import { asc } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookDeliveries } from '../../db/schema.ts';
import { openTestDatabase, removeTestData } from '../../test/database.ts';
import { testFinding } from '../../test/findings.ts';
import { type Harness, startHarness } from '../../test/harness.ts';
import { STOP_CUT_ERROR } from './dispatcher.ts';

let dir = '';
afterEach(async () => {
  if (dir) await removeTestData(dir);
  dir = '';
});

/** A receiver whose first post waits for `release` (or for its signal to abort); `posted` resolves when it arrives. */
function slowReceiver() {
  let arrived!: () => void;
  const posted = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let calls = 0;
  const fetch: typeof globalThis.fetch = async (_url, init) => {
    calls++;
    arrived();
    const signal = init?.signal;
    await new Promise<void>((resolve, reject) => {
      void released.then(resolve);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    return new Response(null, { status: 204 });
  };
  return { fetch, posted, release, calls: () => calls };
}

/** An app with one subscription and one filed ticket: two deliveries pending (created, file). */
async function appWithTwoDeliveries(receiver: typeof fetch, stopGraceMs: number): Promise<Harness> {
  const h = await startHarness({
    tickets: { sweepEveryMs: 0, webhookEveryMs: 0, webhooks: { fetch: receiver, stopGraceMs } },
  });
  dir = h.dir;
  const sub = await h.req('POST', '/api/webhooks', {
    token: h.adminToken,
    body: { url: 'http://127.0.0.1:9/hook', events: [] },
  });
  expect(sub.statusCode, sub.body).toBe(201);
  const centre = await h.userToken('command_centre');
  const filed = await h.req('POST', '/api/findings', {
    token: centre,
    body: { finding: testFinding(h.clock.t) },
  });
  expect(filed.statusCode, filed.body).toBe(201);
  return h;
}

/** The deliveries as the next start finds them, oldest first. */
async function deliveriesAfterStop(): Promise<
  { status: string; attempts: number; lastError: string | null }[]
> {
  const d = await openTestDatabase(dir);
  try {
    return await d.db
      .select({
        status: webhookDeliveries.status,
        attempts: webhookDeliveries.attempts,
        lastError: webhookDeliveries.lastError,
      })
      .from(webhookDeliveries)
      .orderBy(asc(webhookDeliveries.createdAt), asc(webhookDeliveries.event));
  } finally {
    await d.close();
  }
}

describe('a graceful stop with a webhook post under way', () => {
  it('waits for the answer and records it, and starts no further post', async () => {
    const r = slowReceiver();
    const h = await appWithTwoDeliveries(r.fetch, 10_000);
    const run = h.app.webhooks.deliverDue();
    await r.posted;
    const closed = h.close({ keepDir: true });
    // The receiver answers only after the stop began.
    setTimeout(r.release, 100);
    await closed;
    expect(await run).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(r.calls()).toBe(1);
    const rows = await deliveriesAfterStop();
    expect(rows.map((x) => `${x.status}/${x.attempts}`).sort()).toEqual(['delivered/1', 'pending/0']);
  });

  it('cuts a post still unanswered after the grace and records it as a failed attempt', async () => {
    const r = slowReceiver();
    const h = await appWithTwoDeliveries(r.fetch, 150);
    const run = h.app.webhooks.deliverDue();
    await r.posted;
    const started = performance.now();
    await h.close({ keepDir: true });
    const tookMs = performance.now() - started;
    expect(tookMs).toBeGreaterThanOrEqual(140);
    expect(tookMs).toBeLessThan(5_000);
    expect(await run).toEqual({ delivered: 0, retried: 1, failed: 0 });
    const rows = await deliveriesAfterStop();
    const attempted = rows.find((x) => x.attempts === 1);
    expect(attempted).toEqual({ status: 'pending', attempts: 1, lastError: STOP_CUT_ERROR });
    expect(rows.filter((x) => x.attempts === 0)).toHaveLength(1);
  });

  it('attempts nothing once stopped', async () => {
    const r = slowReceiver();
    const h = await appWithTwoDeliveries(r.fetch, 150);
    await h.app.webhooks.stop();
    expect(await h.app.webhooks.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(r.calls()).toBe(0);
    await h.close({ keepDir: true });
  });
});
