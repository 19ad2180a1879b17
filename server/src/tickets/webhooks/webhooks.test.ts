/** Signed webhooks to a real HTTP receiver: signature verifiable, retried with back-off, delivery log. */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testFinding } from '../../test/findings.ts';
import { type Harness, startHarness } from '../../test/harness.ts';
import { backoffMs, signPayload, verifySignature } from './signature.ts';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  verdict: string;
}

let h: Harness;
let receiver: Server;
let url = '';
let secret = '';
let subId = '';
const received: Received[] = [];
/** Status codes the receiver answers with, in order (then 200). */
const answers: number[] = [];

beforeAll(async () => {
  h = await startHarness({
    tickets: { sweepEveryMs: 0, webhookEveryMs: 0, webhooks: { maxAttempts: 3, backoffBaseMs: 10_000 } },
  });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      // The receiver's side: verify with the shared secret over the raw body.
      const v = verifySignature(
        secret,
        {
          timestamp: req.headers['x-aerie-timestamp'] as string,
          signature: req.headers['x-aerie-signature'] as string,
        },
        body,
        Math.floor(h.clock.t / 1000),
      );
      received.push({ headers: req.headers, body, verdict: v.ok ? 'ok' : v.error.code });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const sub = await h.req('POST', '/api/webhooks', {
    token: h.adminToken,
    body: { url, events: ['ticket.created', 'ticket.transition'] },
  });
  expect(sub.statusCode, sub.body).toBe(201);
  secret = sub.json().secret;
  subId = sub.json().subscription.id;
});
afterAll(async () => {
  await h.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('signature', () => {
  it('is HMAC-SHA256 of timestamp.body; the receiver refuses a changed body, a wrong secret, a stale time', () => {
    const sig = signPayload('s3cret', 1_700_000_000, '{"a":1}');
    // What a receiver computes by hand from the documented recipe.
    expect(sig).toBe(`sha256=${createHmac('sha256', 's3cret').update('1700000000.{"a":1}').digest('hex')}`);
    const headers = { timestamp: '1700000000', signature: sig };
    expect(verifySignature('s3cret', headers, '{"a":1}', 1_700_000_010).ok).toBe(true);
    const code = (r: ReturnType<typeof verifySignature>) => (r.ok ? 'ok' : r.error.code);
    expect(code(verifySignature('s3cret', headers, '{"a":2}', 1_700_000_010))).toBe('BadSignature');
    expect(code(verifySignature('other', headers, '{"a":1}', 1_700_000_010))).toBe('BadSignature');
    expect(code(verifySignature('s3cret', headers, '{"a":1}', 1_700_000_400))).toBe('StaleTimestamp');
    expect(code(verifySignature('s3cret', { timestamp: undefined, signature: sig }, '{"a":1}', 0))).toBe(
      'MissingHeaders',
    );
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 10_000))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(backoffMs(30, 10_000, 3_600_000)).toBe(3_600_000);
  });
});

describe('deliveries', () => {
  it('posts signed events the receiver can verify, retries a 500 after the back-off, logs every delivery', async () => {
    const dispatcher = await h.userToken('dispatcher');
    answers.push(500);
    const filed = await h.req('POST', '/api/findings', {
      token: dispatcher,
      body: { finding: testFinding(h.clock.t) },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    // created + file (no department routed: the ticket stays filed).
    const first = await h.app.webhooks.deliverDue();
    expect(first).toEqual({ delivered: 1, retried: 1, failed: 0 });
    expect(received).toHaveLength(2);
    expect(received.every((r) => r.verdict === 'ok')).toBe(true);
    const events = received.map((r) => JSON.parse(r.body).event);
    expect(events).toEqual(['ticket.created', 'ticket.transition']);
    expect(received[0]!.headers['x-aerie-event']).toBe('ticket.created');
    expect(JSON.parse(received[0]!.body).data.ticket.number).toBe(filed.json().ticket.number);
    // Not yet due: nothing is sent.
    expect(await h.app.webhooks.deliverDue()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    h.clock.t += 10_000;
    expect(await h.app.webhooks.deliverDue()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(received).toHaveLength(3);
    expect(received[2]!.body).toBe(received[0]!.body);
    expect(received[2]!.verdict).toBe('ok');
    const log = await h.req('GET', `/api/webhooks/${subId}/deliveries`, { token: h.adminToken });
    expect(
      log
        .json()
        .items.map((d: { status: string; attempts: number }) => `${d.status}/${d.attempts}`)
        .sort(),
    ).toEqual(['delivered/1', 'delivered/2']);
  });

  it('gives up after the last attempt and says why in the log', async () => {
    const dead = await h.req('POST', '/api/webhooks', {
      token: h.adminToken,
      body: { url: 'http://127.0.0.1:9/nowhere', events: ['triage.created'] },
    });
    const centre = await h.userToken('command_centre');
    await h.req('POST', '/api/findings', {
      token: centre,
      body: {
        finding: testFinding(h.clock.t, {
          category: 'fire_smoke',
          label: 'smoke',
          score: 0.3,
          lat: 31,
          lon: 121,
        }),
      },
    });
    for (let i = 0; i < 3; i++) {
      await h.app.webhooks.deliverDue();
      h.clock.t += 60_000;
    }
    const log = await h.req('GET', `/api/webhooks/${dead.json().subscription.id}/deliveries`, {
      token: h.adminToken,
    });
    expect(log.json().items).toHaveLength(1);
    expect(log.json().items[0]).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null });
    expect(log.json().items[0].lastError).toBeTruthy();
  });

  it('refuses a bad subscription and stores nothing', async () => {
    const before = (await h.req('GET', '/api/webhooks', { token: h.adminToken })).json().length;
    const bad = await h.req('POST', '/api/webhooks', {
      token: h.adminToken,
      body: { url: 'ftp://x', events: [] },
    });
    expect(bad.json().error).toMatchObject({ code: 'ValidationFailed', path: 'body.url' });
    const badEvent = await h.req('POST', '/api/webhooks', {
      token: h.adminToken,
      body: { url, events: ['ticket.eaten'] },
    });
    expect(badEvent.json().error.code).toBe('ValidationFailed');
    expect((await h.req('GET', '/api/webhooks', { token: h.adminToken })).json()).toHaveLength(before);
    expect((await h.req('GET', '/api/webhooks/nope/deliveries', { token: h.adminToken })).statusCode).toBe(
      404,
    );
  });
});
