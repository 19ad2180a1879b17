/**
 * Verification flights (issue 15) through the API on a fake fleet: a handled ticket sends an
 * orbit over its location from the nearest dock with an idle aircraft; bad requests answer a
 * coded error and store nothing; frames of the sortie tally the verdict, which reaches the
 * ticket as verification evidence ("still present" at once, "not seen in N frames" at the end).
 */
import { sampleDockStatus, sampleVehicleState } from '@aerie/contracts';
import { destination } from '@aerie/missions';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rawRows } from '../db/client.ts';
import { FakeBridgeHub } from '../test/fake-bridge-hub.ts';
import { constructionFinding, create, type Harness, startHarness } from '../test/harness.ts';

const SITE = { lat: 30.2741, lon: 120.1551 };
const NEAR = destination(SITE, 90, 800);
/** Further from the tickets (all east of the site, 900-1200 m) than NEAR, still within range. */
const FAR = destination(SITE, 90, 400);
const JPEG = Buffer.from('a frame of the verification flight');

let h: Harness;
let hub: FakeBridgeHub;
const tok = { dispatcher: '', reviewer: '', officer: '', centre: '' };
const docks = { near: '', far: '' };
let dep = '';

async function dockWithAircraft(
  name: string,
  at: { lat: number; lon: number },
  sysid: number,
  bridgeId: string,
  siteId: string,
) {
  const dockId = String(
    (
      await create(h, '/api/docks', {
        name,
        serial: `D-${name}`,
        model: 'sim',
        siteId,
        latDeg: at.lat,
        lonDeg: at.lon,
        altAmslM: 10,
        bridgeId,
        sysid: 100 + sysid,
        compid: 25,
      })
    ).id,
  );
  const vehicleId = String(
    (
      await create(h, '/api/vehicles', {
        name: `uav ${name}`,
        serial: `V-${name}`,
        model: 'sim',
        camera: null,
        departmentId: null,
        dockId,
        bridgeId,
        sysid,
      })
    ).id,
  );
  h.app.aerie.docks.update(dockId, sampleDockStatus({ sysid: 100 + sysid, lat: at.lat, lon: at.lon }));
  h.app.aerie.liveState.update(
    vehicleId,
    sampleVehicleState({ sysid, lat: at.lat, lon: at.lon, armed: false }),
  );
  return dockId;
}

async function counts() {
  const db = h.app.aerie.database.db;
  const n = async (t: string) =>
    Number((await rawRows<{ n: number }>(db, sql.raw(`select count(*) as n from ${t}`)))[0]?.n);
  return {
    sorties: await n('sorties'),
    flights: await n('verification_flights'),
    evidence: await n('evidence'),
  };
}

async function page(id: string, token = tok.reviewer) {
  const res = await h.req('GET', `/api/tickets/${id}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function act(id: string, token: string, action: string, extra: Record<string, unknown> = {}) {
  const version = (await page(id)).ticket.version;
  const res = await h.req('POST', `/api/tickets/${id}/transitions`, {
    token,
    body: { action, version, ...extra },
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** A construction ticket at `at`, taken by the officer to handled (with a proof photo). */
async function handledTicket(at: { lat: number; lon: number }): Promise<string> {
  const res = await h.req('POST', '/api/findings', {
    token: tok.centre,
    body: {
      finding: constructionFinding(h, at),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().ticket.id as string;
  await act(id, tok.officer, 'sign');
  await act(id, tok.officer, 'start');
  const up = await h.app.inject({
    method: 'POST',
    url: `/api/tickets/${id}/evidence?kind=proof`,
    headers: { authorization: `Bearer ${tok.officer}`, 'content-type': 'image/jpeg' },
    payload: Buffer.from('proof photo'),
  });
  expect(up.statusCode, up.body).toBe(201);
  await act(id, tok.officer, 'handle', { reason: '已处置' });
  expect((await page(id)).ticket.status).toBe('handled');
  return id;
}

/** Aborts a sortie (on the ground: it ends 'aborted') and waits for the orchestrator. */
async function stop(sortieId: string) {
  expect(h.app.patrol.orchestrator.abort(sortieId, 'OperatorAbort', 'test over')).toBe(true);
  await h.app.patrol.orchestrator.settled();
}

/** A handled ticket `eastM` east of the site and the verification flight sent over it. */
async function verificationFlightOver(eastM: number, token: string) {
  const target = destination(SITE, 90, eastM);
  const id = await handledTicket(target);
  const res = await h.req('POST', `/api/tickets/${id}/verification-flight`, { token });
  expect(res.statusCode, res.body).toBe(201);
  return { target, id, sortieId: res.json().sortieId as string, desk: h.app.tickets };
}

/** Ends the flight (aborted on the ground) and answers the ticket page once its verdict is closed. */
async function landed(id: string, sortieId: string) {
  // Its end reaches the desk through the orchestrator's progress, and the closing evidence is
  // stored in the background (after the abort's answer).
  await stop(sortieId);
  await h.app.tickets.whenIdle();
  return vi.waitFor(async () => {
    const now = await page(id);
    expect(now.verificationFlights[0].finishedAt).not.toBeNull();
    return now;
  });
}

/** A sighting; construction files on its own from 0.8 (the default policy's auto-file score). */
const seen = (at: { lat: number; lon: number }, category = 'construction', score = 0.85) =>
  ({ category, score, lat: at.lat, lon: at.lon, errorM: 4 }) as const;

beforeAll(async () => {
  hub = new FakeBridgeHub();
  hub.answers['dock.command'] = () => ({ ok: true, value: { command: 31502, sends: 1 } });
  h = await startHarness({ bridgeHub: hub, tickets: { sweepEveryMs: 0 }, patrol: { scheduler: false } });
  dep = String((await create(h, '/api/departments', { name: 'Urban management', code: 'UM' })).id);
  await create(h, '/api/ticket-routes', { category: 'construction', gridId: null, departmentId: dep });
  tok.dispatcher = await h.userToken('dispatcher');
  tok.reviewer = await h.userToken('reviewer');
  tok.centre = await h.userToken('command_centre');
  tok.officer = await h.userToken('department_officer', { departmentId: dep });
  const bridgeId = ((await create(h, '/api/bridges', { name: 'West' })).bridge as { id: string }).id;
  const siteId = String(
    (await create(h, '/api/sites', { name: 'West', latDeg: SITE.lat, lonDeg: SITE.lon })).id,
  );
  hub.connected = [bridgeId];
  docks.far = await dockWithAircraft('far', FAR, 2, bridgeId, siteId);
  docks.near = await dockWithAircraft('near', NEAR, 1, bridgeId, siteId);
});
afterAll(async () => h?.close());

describe('POST /api/tickets/:id/verification-flight', () => {
  it('refuses bad requests with a coded error and stores nothing', async () => {
    const open = await h.req('POST', '/api/findings', {
      token: tok.centre,
      body: {
        finding: constructionFinding(h, destination(SITE, 0, 2000)),
      },
    });
    const before = await counts();
    const notHandled = await h.req('POST', `/api/tickets/${open.json().ticket.id}/verification-flight`, {
      token: tok.reviewer,
    });
    expect(notHandled.statusCode).toBe(409);
    expect(notHandled.json().error.code).toBe('InvalidTransition');
    const missing = await h.req('POST', '/api/tickets/no-such-ticket/verification-flight', {
      token: tok.reviewer,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NotFound');
    const officer = await h.req('POST', `/api/tickets/${open.json().ticket.id}/verification-flight`, {
      token: tok.officer,
    });
    expect(officer.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('sends an orbit over the ticket from the nearest dock with an idle aircraft, once at a time', async () => {
    const target = destination(SITE, 90, 1000);
    const id = await handledTicket(target);
    expect((await page(id)).mayRequestVerificationFlight).toBe(true);
    expect((await page(id, tok.centre)).mayRequestVerificationFlight).toBe(false);
    const before = await counts();
    const res = await h.req('POST', `/api/tickets/${id}/verification-flight`, { token: tok.reviewer });
    expect(res.statusCode, res.body).toBe(201);
    const { sortieId, dockId } = res.json();
    expect(dockId).toBe(docks.near);
    expect(await counts()).toMatchObject({ sorties: before.sorties + 1, flights: before.flights + 1 });
    const sortie = (await h.req('GET', `/api/sorties/${sortieId}`, { token: tok.dispatcher })).json();
    expect(sortie).toMatchObject({ kind: 'on_demand', dockId: docks.near });
    // The sortie carries the ticket's department (its aircraft has none): the department's
    // officer sees it, in the list and by id.
    const db = h.app.aerie.database.db;
    const [row] = await rawRows<{ d: string | null }>(
      db,
      sql`select department_id as d from sorties where id = ${sortieId}`,
    );
    expect(row?.d).toBe(dep);
    const officerSees = await h.req('GET', `/api/sorties/${sortieId}`, { token: tok.officer });
    expect(officerSees.statusCode, officerSees.body).toBe(200);
    const officerList = (await h.req('GET', '/api/sorties?limit=100', { token: tok.officer })).json();
    expect(officerList.items.map((s: { id: string }) => s.id)).toContain(sortieId);
    const flights = (await page(id)).verificationFlights;
    expect(flights).toEqual([
      expect.objectContaining({
        sortieId,
        verdict: 'no_frames',
        frames: 0,
        finishedAt: null,
        evidenceSeq: null,
      }),
    ]);
    expect((await page(id)).mayRequestVerificationFlight).toBe(false);
    // A second request while it flies is refused, nothing stored.
    const mid = await counts();
    const again = await h.req('POST', `/api/tickets/${id}/verification-flight`, { token: tok.dispatcher });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('Conflict');
    expect(await counts()).toEqual(mid);
    await stop(sortieId);
  });

  it('attaches "still present" at the frame that confirms the finding near the location (two in a row)', async () => {
    const { target, id, sortieId, desk } = await verificationFlightOver(1200, tok.dispatcher);
    const frame = { bytes: JPEG, mime: 'image/jpeg' };
    expect((await desk.recordVerificationFrame(sortieId, [], frame))?.verdict).toBe('not_seen');
    // A lone sighting is not yet the finding (detection.minFrames is 2 here).
    expect(await desk.recordVerificationFrame(sortieId, [seen(destination(target, 0, 10))], frame)).toEqual({
      verdict: 'not_seen',
      frames: 2,
      hits: 1,
    });
    expect((await page(id)).evidence.filter((e: { kind: string }) => e.kind === 'verification')).toEqual([]);
    expect((await desk.recordVerificationFrame(sortieId, [seen(target)], frame))?.verdict).toBe('present');
    await desk.recordVerificationFrame(sortieId, [seen(target)], frame);
    const p = await page(id);
    const verification = p.evidence.filter((e: { kind: string }) => e.kind === 'verification');
    expect(verification).toHaveLength(1);
    expect(verification[0].meta).toMatchObject({ sortieId, verdict: 'present', frames: 3, hits: 2 });
    expect(p.verificationFlights[0]).toMatchObject({
      verdict: 'present',
      frames: 4,
      hits: 3,
      confirmFrames: 2,
    });
    expect((await desk.finishVerificationFlight(sortieId))?.verdict).toBe('present');
    expect((await page(id)).evidence.filter((e: { kind: string }) => e.kind === 'verification')).toHaveLength(
      1,
    );
    // The reviewer then verifies it.
    await act(id, tok.reviewer, 'verify');
    expect((await page(id)).ticket.status).toBe('verified');
    await stop(sortieId);
  });

  it('attaches "not seen in N frames" with the last frame when the sortie ends without it', async () => {
    const { target, id, sortieId, desk } = await verificationFlightOver(1100, tok.reviewer);
    const elsewhere = destination(target, 0, 500);
    await desk.recordVerificationFrame(sortieId, [seen(elsewhere)], { bytes: JPEG, mime: 'image/jpeg' });
    await desk.recordVerificationFrame(sortieId, [seen(target, 'fire_smoke')], {
      bytes: JPEG,
      mime: 'image/jpeg',
    });
    const p = await landed(id, sortieId);
    expect(p.verificationFlights[0]).toMatchObject({ verdict: 'not_seen', frames: 2 });
    const [ev] = p.evidence.filter((e: { kind: string }) => e.kind === 'verification');
    expect(ev.meta).toMatchObject({
      sortieId,
      verdict: 'not_seen',
      frames: 2,
      text: '2 帧中未发现 / not seen in 2 frames',
    });
    // Frames of other sorties change nothing.
    expect(
      await desk.recordVerificationFrame('not-a-verification-sortie', [seen(target)], {
        bytes: JPEG,
        mime: 'image/jpeg',
      }),
    ).toBeNull();
  });

  it('does not call weak sightings present: it names them and attaches the frame of the best one', async () => {
    const { target, id, sortieId, desk } = await verificationFlightOver(1300, tok.reviewer);
    const plain = { bytes: Buffer.from('a frame with nothing'), mime: 'image/jpeg' };
    const weakest = { bytes: Buffer.from('a frame with a faint box'), mime: 'image/jpeg' };
    const best = { bytes: Buffer.from('a frame with the clearest weak box'), mime: 'image/jpeg' };
    // Two frames in a row, each below the auto-file score (a person should look, no more).
    expect(
      await desk.recordVerificationFrame(sortieId, [seen(target, 'construction', 0.4)], weakest),
    ).toEqual({
      verdict: 'not_seen',
      frames: 1,
      hits: 1,
    });
    await desk.recordVerificationFrame(sortieId, [seen(target, 'construction', 0.65)], best);
    await desk.recordVerificationFrame(sortieId, [], plain);
    const p = await landed(id, sortieId);
    expect(p.verificationFlights[0]).toMatchObject({ verdict: 'not_seen', frames: 3, hits: 2 });
    const [ev] = p.evidence.filter((e: { kind: string }) => e.kind === 'verification');
    expect(ev.meta.text).toBe(
      '3 帧中未发现（2 帧有未经确认的检出，请查看证据）/ not seen in 3 frames (unconfirmed sightings in 2; see the evidence)',
    );
    // The evidence is the frame of the strongest sighting, not the last frame.
    expect(ev.bytes).toBe(best.bytes.length);
  });
});
