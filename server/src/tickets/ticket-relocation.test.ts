/**
 * A ticket's location refined by later frames of its track (位置精化) through the desk: only a
 * clearly better location moves an open ticket; the move is a 'relocate' step by the system on
 * the timeline (version counted, event raised) with where from and where to; closed or voided
 * tickets stay where they were; no user may relocate a ticket through the API.
 */
import { destination } from '@aerie/missions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constructionFinding, type Harness, startHarness } from '../test/harness.ts';
import type { TicketEvent } from './desk.ts';

const SITE = { lat: 30.2741, lon: 120.1551 };
let h: Harness;
const tok = { centre: '', dispatcher: '' };

async function page(id: string) {
  const res = await h.req('GET', `/api/tickets/${id}`, { token: tok.centre });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** A construction ticket filed at `at` with a stated error of 4 m (the harness's finding). */
async function ticketAt(at: { lat: number; lon: number }): Promise<string> {
  const res = await h.req('POST', '/api/findings', {
    token: tok.centre,
    body: { finding: constructionFinding(h, at) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().ticket.id as string;
}

const better = (at: { lat: number; lon: number }, errorM: number, frames = 8) => ({
  location: { lat: at.lat, lon: at.lon, errorM },
  frames,
});

beforeAll(async () => {
  h = await startHarness({ tickets: { sweepEveryMs: 0 }, patrol: { scheduler: false } });
  tok.centre = await h.userToken('command_centre');
  tok.dispatcher = await h.userToken('dispatcher');
});
afterAll(async () => h?.close());

describe('TicketDesk.refineLocation', () => {
  it('moves an open ticket to a clearly better location, as a relocate step by the system', async () => {
    const at = destination(SITE, 0, 500);
    const id = await ticketAt(at);
    const before = await page(id);
    const events: TicketEvent[] = [];
    const off = h.app.tickets.onTicketEvent((e) => events.push(e));
    try {
      // 3.5 m is not 20% better than 4 m: nothing changes, nothing is said.
      expect(await h.app.tickets.refineLocation(id, better(destination(at, 0, 3), 3.5))).toBeNull();
      expect((await page(id)).ticket.version).toBe(before.ticket.version);
      expect(events).toEqual([]);

      const to = destination(at, 0, 6);
      const moved = await h.app.tickets.refineLocation(id, better(to, 1.5, 8));
      expect(moved?.ticket).toMatchObject({ lat: to.lat, lon: to.lon, errorM: 1.5 });
      expect(events.map((e) => e.type)).toEqual(['ticket.transition']);
    } finally {
      off();
    }
    const after = await page(id);
    expect(after.ticket).toMatchObject({
      status: before.ticket.status,
      version: before.ticket.version + 1,
      errorM: 1.5,
    });
    expect(after.ticket.lat).toBeCloseTo(destination(at, 0, 6).lat, 9);
    const step = after.transitions.at(-1);
    expect(step).toMatchObject({
      action: 'relocate',
      fromStatus: before.ticket.status,
      toStatus: before.ticket.status,
      actorRole: 'system',
      actorName: null,
      data: { from: { lat: at.lat, lon: at.lon, errorM: 4 }, to: { errorM: 1.5 }, frames: 8 },
    });
    expect(step.data.movedM).toBeCloseTo(6, 1);
    expect(step.reason).toMatch(
      /^位置已由 8 帧融合画面精化：误差 4\.0 米 → 1\.5 米，移动 6\.0 米 \/ location refined/,
    );
    // Once better placed, the same error again moves nothing.
    expect(await h.app.tickets.refineLocation(id, better(at, 1.5))).toBeNull();
  });

  it('leaves a voided ticket where it was, and an unknown ticket is no ticket', async () => {
    const at = destination(SITE, 0, 900);
    const id = await ticketAt(at);
    const version = (await page(id)).ticket.version;
    const voided = await h.req('POST', `/api/tickets/${id}/transitions`, {
      token: tok.dispatcher,
      body: { action: 'void', version, reason: '误报' },
    });
    expect(voided.statusCode, voided.body).toBe(200);
    expect(await h.app.tickets.refineLocation(id, better(destination(at, 0, 5), 0.5))).toBeNull();
    expect((await page(id)).ticket).toMatchObject({ lat: at.lat, lon: at.lon, errorM: 4, status: 'voided' });
    expect(await h.app.tickets.refineLocation('no-such-ticket', better(at, 0.5))).toBeNull();
  });

  it('no user may relocate a ticket through the transitions API', async () => {
    const id = await ticketAt(destination(SITE, 0, 1300));
    const version = (await page(id)).ticket.version;
    for (const token of [tok.centre, tok.dispatcher]) {
      const res = await h.req('POST', `/api/tickets/${id}/transitions`, {
        token,
        body: { action: 'relocate', version },
      });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('Forbidden');
    }
    expect((await page(id)).ticket.version).toBe(version);
  });
});
