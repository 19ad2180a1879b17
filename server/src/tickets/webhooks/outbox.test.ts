/**
 * The webhook outbox: deliveries are written in the transaction of the change that raised the
 * event. A failure injected after the commit loses no delivery; a change rolled back (or
 * refused) queues none. The receiver is the dispatcher's injected `fetch`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testFinding } from '../../test/findings.ts';
import { type Harness, startHarness } from '../../test/harness.ts';

let h: Harness;
let subId = '';
let centre = '';
/** What the receiver got: event name and parsed body. */
const sent: { event: string; body: { data: { transition?: { action: string } } } }[] = [];

beforeAll(async () => {
  const receiver: typeof fetch = async (_url, init) => {
    const headers = new Headers(init?.headers);
    sent.push({ event: headers.get('x-aerie-event') ?? '', body: JSON.parse(String(init?.body)) });
    return new Response(null, { status: 204 });
  };
  h = await startHarness({
    tickets: { sweepEveryMs: 0, webhookEveryMs: 0, webhooks: { fetch: receiver } },
  });
  const sub = await h.req('POST', '/api/webhooks', {
    token: h.adminToken,
    body: { url: 'http://127.0.0.1:9/hook', events: [] },
  });
  expect(sub.statusCode, sub.body).toBe(201);
  subId = sub.json().subscription.id;
  centre = await h.userToken('command_centre');
});
afterAll(async () => {
  vi.restoreAllMocks();
  await h.close();
});

/** Files a ticket (no route: it stays filed) and delivers what that queued. */
async function filedTicket(lat: number): Promise<{ id: string; version: number }> {
  const res = await h.req('POST', '/api/findings', {
    token: centre,
    body: { finding: testFinding(h.clock.t, { lat }) },
  });
  expect(res.statusCode, res.body).toBe(201);
  expect(await h.app.webhooks.deliverDue()).toEqual({ delivered: 2, retried: 0, failed: 0 });
  return res.json().ticket;
}

const voidIt = (t: { id: string; version: number }) =>
  h.req('POST', `/api/tickets/${t.id}/transitions`, {
    token: centre,
    body: { action: 'void', version: t.version, reason: 'duplicate report' },
  });

async function deliveryCount(): Promise<number> {
  const log = await h.req('GET', `/api/webhooks/${subId}/deliveries?limit=200`, { token: h.adminToken });
  expect(log.statusCode, log.body).toBe(200);
  return log.json().items.length;
}

describe('webhook outbox', () => {
  it('loses no delivery when the process fails right after the commit', async () => {
    const t = await filedTicket(30);
    const desk = h.app.tickets as unknown as { emit(events: unknown[]): void };
    // The failure lands between the commit and everything that used to run after it.
    vi.spyOn(desk, 'emit').mockImplementationOnce(() => {
      throw new Error('injected: crash after commit');
    });
    const res = await voidIt(t);
    expect(res.statusCode).toBe(500);
    const stored = await h.req('GET', `/api/tickets/${t.id}`, { token: centre });
    expect(stored.json().ticket).toMatchObject({ status: 'voided', version: t.version + 1 });
    sent.length = 0;
    expect(await h.app.webhooks.deliverDue()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(sent.map((s) => [s.event, s.body.data.transition?.action])).toEqual([
      ['ticket.transition', 'void'],
    ]);
  });

  it('queues nothing for a transition that is rolled back or refused', async () => {
    const t = await filedTicket(31);
    const before = await deliveryCount();
    const remove = h.app.tickets.addEventSink(() => {
      throw new Error('injected: failure inside the transaction, after the outbox rows');
    });
    try {
      expect((await voidIt(t)).statusCode).toBe(500);
    } finally {
      remove();
    }
    const stored = await h.req('GET', `/api/tickets/${t.id}`, { token: centre });
    expect(stored.json().ticket).toMatchObject({ status: 'filed', version: t.version });
    expect((await voidIt({ ...t, version: t.version - 1 })).statusCode).toBe(409);
    expect(await deliveryCount()).toBe(before);
    expect(await h.app.webhooks.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    // The same transition, not failed, is delivered once.
    expect((await voidIt(t)).statusCode).toBe(200);
    expect(await deliveryCount()).toBe(before + 1);
  });
});
