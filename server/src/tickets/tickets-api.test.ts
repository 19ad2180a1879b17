/** The ticket desk through the real HTTP API: intake to closed ticket, triage, grids, sweep, bad input. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRows } from '../db/client.ts';
import { featureCollection, gridFeature, M_PER_DEG, square } from '../test/geojson.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';
import { verifyEvidenceChain } from './desk.ts';

let h: Harness;
const deps = { um: '', water: '', fire: '' };
const tok = {
  dispatcher: '',
  centre: '',
  officerUm: '',
  officerWater: '',
  reviewer: '',
  pilot: '',
  admin: '',
};
const grid = { a: '', b: '' };

/** Beijing local time as an instant. */
const bj = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00+08:00`);

function finding(
  category: string,
  score: number,
  lat: number,
  lon: number,
  extra: Record<string, unknown> = {},
) {
  return {
    category,
    label: category === 'fire_smoke' ? 'smoke' : 'blue-steel-roof',
    score,
    box: [10, 20, 30, 40],
    detector: { name: 'test-detector', version: '1.0.0', kind: 'image-analysis' },
    vehicleId: 'veh-1',
    sortieId: 'sortie-1',
    capturedAtMs: h.clock.t,
    location: { lat, lon, errorM: 4 },
    frames: 1,
    ...extra,
  };
}

async function post(url: string, token: string, body: unknown) {
  return h.req('POST', url, { token, body });
}
async function ticket(id: string, token = tok.centre) {
  const res = await h.req('GET', `/api/tickets/${id}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
async function act(id: string, token: string, body: Record<string, unknown>) {
  const version = (await ticket(id)).ticket.version;
  return post(`/api/tickets/${id}/transitions`, token, { version, ...body });
}
async function counts() {
  const db = h.app.aerie.database.db;
  const n = async (t: string) =>
    Number((await rawRows<{ n: number }>(db, sql.raw(`select count(*) as n from ${t}`)))[0]?.n);
  return {
    tickets: await n('tickets'),
    transitions: await n('ticket_transitions'),
    triage: await n('triage_items'),
    evidence: await n('evidence'),
    grids: await n('grids'),
    routes: await n('ticket_routes'),
    occurrences: await n('ticket_occurrences'),
  };
}

beforeAll(async () => {
  // The clock moves over weeks: sessions must outlive it.
  h = await startHarness({ tickets: { sweepEveryMs: 0 }, config: { sessionTtlS: 365 * 86_400 } });
  // Monday 1 June 2026, 10:00 Beijing.
  h.clock.t = bj('2026-06-01 10:00');
  deps.um = String((await create(h, '/api/departments', { name: 'Urban management', code: 'UM' })).id);
  deps.water = String((await create(h, '/api/departments', { name: 'Water', code: 'WATER' })).id);
  deps.fire = String((await create(h, '/api/departments', { name: 'Fire', code: 'FIRE' })).id);
  tok.admin = h.adminToken;
  tok.dispatcher = await h.userToken('dispatcher');
  tok.centre = await h.userToken('command_centre');
  tok.officerUm = await h.userToken('department_officer', { departmentId: deps.um });
  tok.officerWater = await h.userToken('department_officer', { departmentId: deps.water });
  tok.reviewer = await h.userToken('reviewer');
  tok.pilot = await h.userToken('pilot');
  const imported = await post(
    '/api/grids/import',
    tok.admin,
    featureCollection(
      gridFeature({ name: 'West town', department: 'UM' }, square(119.9, 29.9, 120.05, 30.1)),
      gridFeature({ name: 'East town', department: deps.water }, square(120.05, 29.9, 120.2, 30.1)),
    ),
  );
  expect(imported.statusCode, imported.body).toBe(201);
  [grid.a, grid.b] = imported.json().imported.map((g: { id: string }) => g.id);
  expect(
    (
      await post('/api/ticket-routes', tok.admin, {
        category: 'fire_smoke',
        gridId: null,
        departmentId: deps.fire,
      })
    ).statusCode,
  ).toBe(201);
  expect(
    (
      await post('/api/ticket-routes', tok.admin, {
        category: 'river_pollution',
        gridId: grid.a,
        departmentId: deps.water,
      })
    ).statusCode,
  ).toBe(201);
});
afterAll(async () => {
  await h.close();
});

describe('from finding to closed ticket', () => {
  let id = '';
  it('files a finding above the threshold, routes it by grid, numbers it and keeps its frame as evidence', async () => {
    const frame = Buffer.from('not really a jpeg, but bytes');
    const res = await post('/api/findings', tok.centre, {
      finding: finding('construction', 0.9, 30, 120),
      frame: { mime: 'image/jpeg', dataBase64: frame.toString('base64') },
    });
    expect(res.statusCode, res.body).toBe(201);
    const t = res.json().ticket;
    id = t.id;
    expect(t).toMatchObject({
      number: 'GC-20260601-0001',
      status: 'dispatched',
      departmentId: deps.um,
      gridId: grid.a,
      category: 'construction',
      occurrenceCount: 1,
      urgent: false,
      version: 3,
    });
    // Time to sign: 4 working hours from Monday 10:00 -> 15:30 (lunch 12:00-13:30).
    expect(t.dueAt).toBe(new Date(bj('2026-06-01 15:30')).toISOString());
    const page = await ticket(id);
    expect(
      page.transitions.map((x: { action: string; actorRole: string }) => `${x.action}:${x.actorRole}`),
    ).toEqual(['file:system', 'dispatch:system']);
    expect(page.evidence).toHaveLength(1);
    expect(page.evidence[0]).toMatchObject({ kind: 'frame', mime: 'image/jpeg', bytes: frame.length });
    expect(page.evidence[0].meta.detector.name).toBe('test-detector');
    // No person model in this harness: the frame is not screened, so the officer gets a notice
    // and the command centre the original (evidence-screening.test.ts has the model).
    expect(page.evidence[0]).toMatchObject({ screening: 'not_screened', access: 'original' });
    const refused = await h.req('GET', `/api/tickets/${id}/evidence/${page.evidence[0].seq}`, {
      token: tok.officerUm,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('EvidenceNotScreened');
    const file = await h.req('GET', `/api/tickets/${id}/evidence/${page.evidence[0].seq}`, {
      token: tok.centre,
    });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(frame)).toBe(true);
    expect(page.sla).toMatchObject({ phase: 'sign', level: 'ok' });
  });

  it('attaches a recurrence within the radius as an occurrence, files one outside it', async () => {
    const near = await post('/api/findings', tok.centre, {
      finding: finding('construction', 0.95, 30 + 20 / M_PER_DEG, 120),
    });
    expect(near.statusCode, near.body).toBe(200);
    expect(near.json()).toMatchObject({
      outcome: 'occurrence',
      reopened: false,
      ticket: { id, occurrenceCount: 2, score: 0.95 },
    });
    const far = await post('/api/findings', tok.centre, {
      finding: finding('construction', 0.95, 30 + 40 / M_PER_DEG, 120),
    });
    expect(far.statusCode).toBe(201);
    expect(far.json().ticket.number).toBe('GC-20260601-0002');
    // Void the second one as a duplicate.
    const voided = await act(far.json().ticket.id, tok.dispatcher, { action: 'void', reason: 'duplicate' });
    expect(voided.statusCode, voided.body).toBe(200);
    expect(voided.json().ticket.status).toBe('voided');
  });

  it('department scope: an officer of another department neither sees nor moves it', async () => {
    expect((await h.req('GET', `/api/tickets/${id}`, { token: tok.officerWater })).statusCode).toBe(404);
    const moved = await post(`/api/tickets/${id}/transitions`, tok.officerWater, {
      action: 'sign',
      version: 3,
    });
    expect(moved.statusCode).toBe(404);
    const list = await h.req('GET', '/api/tickets', { token: tok.officerWater });
    expect(list.json().items.every((t: { departmentId: string }) => t.departmentId === deps.water)).toBe(
      true,
    );
    const mine = await h.req('GET', '/api/tickets', { token: tok.officerUm });
    expect(mine.json().items.map((t: { id: string }) => t.id)).toContain(id);
    expect(
      (await post(`/api/tickets/${id}/transitions`, tok.pilot, { action: 'sign', version: 3 })).statusCode,
    ).toBe(403);
  });

  it('signs, refuses a stale version and handling without proof, takes proof, verifies and closes', async () => {
    const before = await counts();
    const stale = await post(`/api/tickets/${id}/transitions`, tok.officerUm, { action: 'sign', version: 2 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('Conflict');
    expect(await counts()).toEqual(before);
    const page = await ticket(id, tok.officerUm);
    expect(page.allowedActions.sort()).toEqual(['return', 'sign']);
    h.clock.t = bj('2026-06-01 11:00');
    expect((await act(id, tok.officerUm, { action: 'sign' })).statusCode).toBe(200);
    const started = await act(id, tok.officerUm, { action: 'start' });
    expect(started.json().ticket.status).toBe('in_progress');
    const noProof = await act(id, tok.officerUm, { action: 'handle', reason: 'removed the roof' });
    expect(noProof.statusCode).toBe(400);
    expect(noProof.json().error.code).toBe('ProofRequired');
    const notProof = await h.app.inject({
      method: 'POST',
      url: `/api/tickets/${id}/evidence?kind=frame`,
      headers: { authorization: `Bearer ${tok.officerUm}`, 'content-type': 'image/png' },
      payload: Buffer.from('png bytes'),
    });
    expect(notProof.statusCode).toBe(403);
    const proof = await h.app.inject({
      method: 'POST',
      url: `/api/tickets/${id}/evidence?kind=proof`,
      headers: { authorization: `Bearer ${tok.officerUm}`, 'content-type': 'image/png' },
      payload: Buffer.from('a photo of the cleared site'),
    });
    expect(proof.statusCode, proof.body).toBe(201);
    expect(proof.json().kind).toBe('proof');
    const handled = await act(id, tok.officerUm, { action: 'handle', reason: 'removed the roof' });
    expect(handled.statusCode, handled.body).toBe(200);
    expect((await act(id, tok.dispatcher, { action: 'verify' })).statusCode).toBe(403);
    expect((await act(id, tok.reviewer, { action: 'verify' })).statusCode).toBe(200);
    const closed = await act(id, tok.reviewer, { action: 'close' });
    expect(closed.statusCode).toBe(200);
    expect(closed.json().ticket).toMatchObject({ status: 'closed', closedOnTime: true });
    const timeline = (await ticket(id)).transitions;
    expect(timeline.map((x: { action: string }) => x.action)).toEqual([
      'file',
      'dispatch',
      'sign',
      'start',
      'handle',
      'verify',
      'close',
    ]);
    expect(timeline[4]).toMatchObject({ reason: 'removed the roof', actorRole: 'department_officer' });
    // Who took each step, by name (the harness names users after their username); the system has none.
    const names = timeline.map((x: { actorName: string | null }) => x.actorName);
    expect(names[0]).toBeNull();
    expect(names[1]).toBeNull();
    expect(names.slice(2, 5)).toEqual(Array(3).fill(names[2]));
    expect(names[2]).toMatch(/^department-officer-\d+$/);
    expect(names[5]).toMatch(/^reviewer-\d+$/);
    expect(names[6]).toBe(names[5]);
  });

  it('a recurrence within 30 days reopens the closed ticket and dispatches it again', async () => {
    h.clock.t = bj('2026-06-10 10:00');
    const res = await post('/api/findings', tok.centre, { finding: finding('construction', 0.85, 30, 120) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      outcome: 'occurrence',
      reopened: true,
      ticket: { id, status: 'dispatched', reopenCount: 1, occurrenceCount: 3, closedOnTime: null },
    });
    const actions = (await ticket(id)).transitions.map((x: { action: string }) => x.action);
    expect(actions.slice(-2)).toEqual(['reopen', 'dispatch']);
  });

  it('concurrent transitions on one version: one wins, the other gets 409', async () => {
    const version = (await ticket(id)).ticket.version;
    const [a, b] = await Promise.all([
      post(`/api/tickets/${id}/transitions`, tok.officerUm, { action: 'sign', version }),
      post(`/api/tickets/${id}/transitions`, tok.officerUm, {
        action: 'return',
        version,
        reason: 'not ours',
      }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect((await ticket(id)).ticket.version).toBe(version + 1);
  });
});

describe('routing, urgency and triage', () => {
  it('routes by the most specific rule; fire is urgent', async () => {
    const river = await post('/api/findings', tok.centre, {
      finding: finding('river_pollution', 0.9, 30.05, 119.95),
    });
    expect(river.json().ticket).toMatchObject({ departmentId: deps.water, gridId: grid.a });
    const riverEast = await post('/api/findings', tok.centre, {
      finding: finding('river_pollution', 0.9, 30.05, 120.1),
    });
    expect(riverEast.json().ticket).toMatchObject({ departmentId: deps.water, gridId: grid.b });
    const events: string[] = [];
    const off = h.app.tickets.onTicketEvent((e) =>
      events.push(`${e.type}${'ticket' in e && e.ticket.urgent ? '!' : ''}`),
    );
    const fire = await post('/api/findings', tok.centre, { finding: finding('fire_smoke', 0.9, 31, 121) });
    off();
    expect(fire.json().ticket).toMatchObject({ departmentId: deps.fire, gridId: null, urgent: true });
    expect(events).toEqual(['ticket.created!', 'ticket.transition!', 'ticket.transition!']);
    const nowhere = await post('/api/findings', tok.centre, {
      finding: finding('construction', 0.9, 35, 110),
    });
    expect(nowhere.json().ticket).toMatchObject({ status: 'filed', departmentId: null });
    const dispatched = await act(nowhere.json().ticket.id, tok.dispatcher, {
      action: 'dispatch',
      departmentId: deps.um,
    });
    expect(dispatched.json().ticket.status).toBe('dispatched');
  });

  it('queues low scores for triage; confirm files, reject keeps a labelled false positive', async () => {
    const low = await post('/api/findings', tok.centre, {
      finding: finding('fire_smoke', 0.4, 30.5, 120.5),
      frame: { mime: 'image/jpeg', dataBase64: Buffer.from('smoke frame').toString('base64') },
    });
    expect(low.json()).toMatchObject({
      outcome: 'triage',
      triageItem: { status: 'pending', category: 'fire_smoke' },
    });
    const noise = await post('/api/findings', tok.centre, {
      finding: finding('fire_smoke', 0.1, 30.5, 120.5),
    });
    expect(noise.json()).toEqual({ outcome: 'ignored', reason: 'BelowTriage' });
    const person = await post('/api/findings', tok.centre, { finding: finding('person', 0.99, 30.5, 120.5) });
    expect(person.json()).toEqual({ outcome: 'ignored', reason: 'NotTicketable' });
    const other = await post('/api/findings', tok.centre, {
      finding: finding('construction', 0.5, 30.6, 120.6),
    });
    const queue = await h.req('GET', '/api/triage?status=pending', { token: tok.centre });
    expect(queue.json().total).toBe(2);
    const confirmed = await post(`/api/triage/${low.json().triageItem.id}/confirm`, tok.centre, {});
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({
      item: { status: 'confirmed' },
      result: { outcome: 'ticket', ticket: { source: 'triage', departmentId: deps.fire } },
    });
    const t = await ticket(confirmed.json().result.ticket.id);
    expect(t.evidence.map((e: { kind: string }) => e.kind)).toEqual(['frame']);
    const again = await post(`/api/triage/${low.json().triageItem.id}/confirm`, tok.centre, {});
    expect(again.statusCode).toBe(409);
    expect((await post(`/api/triage/${other.json().triageItem.id}/reject`, tok.centre, {})).statusCode).toBe(
      400,
    );
    const rejected = await post(`/api/triage/${other.json().triageItem.id}/reject`, tok.centre, {
      reason: 'a blue tarpaulin',
    });
    expect(rejected.json()).toMatchObject({ status: 'rejected', reason: 'a blue tarpaulin' });
    const kept = await h.req('GET', '/api/triage?status=rejected', { token: tok.centre });
    expect(kept.json().items[0].finding.label).toBe('blue-steel-roof');
    expect(
      (await post(`/api/triage/${other.json().triageItem.id}/confirm`, tok.officerUm, {})).statusCode,
    ).toBe(403);
  });
});

describe('time limits and the sweep', () => {
  it('warns at 80%, escalates at the deadline and again per overdue working day; overdue filter', async () => {
    h.clock.t = bj('2026-06-05 16:30'); // Friday
    const created = await post('/api/findings', tok.centre, {
      finding: finding('construction', 0.9, 30.0, 119.95),
    });
    const id = created.json().ticket.id;
    // 4 working hours to sign: 1.5 h on Friday, 2.5 h on Monday -> Monday 11:30.
    expect(created.json().ticket.dueAt).toBe(new Date(bj('2026-06-08 11:30')).toISOString());
    const desk = h.app.tickets;
    expect((await desk.sweep(bj('2026-06-06 12:00'))).warnings).toBe(0);
    // Saturday noon: the list row and the ticket page count down the same working time, 2.5 h
    // left (the wall clock says 47.5 h to the deadline).
    h.clock.t = bj('2026-06-06 12:00');
    const rows = await h.req('GET', '/api/tickets?category=construction&status=dispatched&limit=100', {
      token: tok.centre,
    });
    const row = rows.json().items.find((t: { id: string }) => t.id === id);
    expect(row.sla).toMatchObject({ phase: 'sign', level: 'ok', remainingWorkingMs: 2.5 * 3_600_000 });
    expect((await ticket(id)).sla).toEqual(row.sla);
    h.clock.t = bj('2026-06-08 10:45');
    const w = await desk.sweep();
    expect(w.warnings).toBeGreaterThanOrEqual(1);
    expect((await ticket(id)).alerts.map((a: { kind: string }) => a.kind)).toEqual(['warning']);
    expect((await desk.sweep()).warnings).toBe(0);
    h.clock.t = bj('2026-06-08 11:30');
    await desk.sweep();
    const over = await h.req('GET', '/api/tickets?overdue=true&category=construction', { token: tok.centre });
    expect(over.json().items.map((t: { id: string }) => t.id)).toContain(id);
    expect((await ticket(id)).ticket).toMatchObject({ overdue: true, escalationLevel: 1 });
    h.clock.t = bj('2026-06-09 11:30');
    await desk.sweep();
    const page = await ticket(id);
    expect(page.alerts.map((a: { kind: string; level: number }) => `${a.kind}${a.level}`)).toEqual([
      'warning0',
      'escalation1',
      'escalation2',
    ]);
    expect(page.sla).toMatchObject({ phase: 'sign', level: 'overdue', overdueWorkingDays: 1 });
    // Signing starts the handling clock afresh.
    const signed = await act(id, tok.officerUm, { action: 'sign' });
    expect(signed.json().ticket).toMatchObject({ escalationLevel: 0, overdue: false });
  });

  it('counts by category, status and department with closure and on-time rates', async () => {
    const res = await h.req('GET', '/api/tickets/stats', { token: tok.centre });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    const um = s.perDepartment.find((d: { departmentId: string }) => d.departmentId === deps.um);
    expect(um.total).toBeGreaterThan(0);
    expect(s.byStatus.find((x: { key: string }) => x.key === 'voided').count).toBe(1);
    const mine = await h.req('GET', '/api/tickets/stats', { token: tok.officerWater });
    expect(mine.json().perDepartment.map((d: { departmentId: string }) => d.departmentId)).toEqual([
      deps.water,
    ]);
    const bad = await h.req('GET', '/api/tickets/stats?from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z', {
      token: tok.centre,
    });
    expect(bad.json().error).toMatchObject({ code: 'ValidationFailed', path: 'query.to' });
  });
});

describe('bad input: coded error, nothing stored changes', () => {
  const someTicket = async () =>
    (await h.req('GET', '/api/tickets?status=dispatched', { token: tok.centre })).json().items[0];
  const cases: [
    string,
    () => Promise<{ statusCode: number; json(): { error: { code: string; path?: string } } }>,
    string,
    string?,
  ][] = [
    [
      'finding with a score of 2',
      () => post('/api/findings', tok.centre, { finding: finding('construction', 2, 30, 120) }),
      'ValidationFailed',
      'body.finding.score',
    ],
    [
      'finding without location',
      () =>
        post('/api/findings', tok.centre, {
          finding: { ...finding('construction', 0.9, 30, 120), location: undefined },
        }),
      'ValidationFailed',
      'body.finding.location',
    ],
    [
      'finding with an unknown category',
      () => post('/api/findings', tok.centre, { finding: finding('ufo', 0.9, 30, 120) }),
      'ValidationFailed',
    ],
    [
      'finding with an unknown top-level field',
      () => post('/api/findings', tok.centre, { finding: finding('construction', 0.9, 30, 120), extra: 1 }),
      'ValidationFailed',
      'body.extra',
    ],
    [
      'frame that is not base64',
      () =>
        post('/api/findings', tok.centre, {
          finding: finding('construction', 0.9, 30, 120),
          frame: { mime: 'image/jpeg', dataBase64: '***notbase64***' },
        }),
      'ValidationFailed',
    ],
    [
      'transition with an unknown action',
      async () =>
        post(`/api/tickets/${(await someTicket()).id}/transitions`, tok.dispatcher, {
          action: 'burn',
          version: 1,
        }),
      'ValidationFailed',
      'body.action',
    ],
    [
      'transition with a version as text',
      async () =>
        post(`/api/tickets/${(await someTicket()).id}/transitions`, tok.dispatcher, {
          action: 'void',
          version: '3',
          reason: 'x',
        }),
      'ValidationFailed',
      'body.version',
    ],
    [
      'transition to an unknown department',
      async () => {
        const t =
          (await h.req('GET', '/api/tickets?status=filed', { token: tok.centre })).json().items[0] ??
          (await someTicket());
        return post(`/api/tickets/${t.id}/transitions`, tok.dispatcher, {
          action: 'dispatch',
          version: t.version,
          departmentId: 'nope',
        });
      },
      'InvalidTransition|ValidationFailed',
    ],
    [
      'an action from the wrong status',
      async () => {
        const t = await someTicket();
        return post(`/api/tickets/${t.id}/transitions`, tok.reviewer, {
          action: 'close',
          version: t.version,
        });
      },
      'InvalidTransition',
    ],
    [
      'void without a reason',
      async () => {
        const t = await someTicket();
        return post(`/api/tickets/${t.id}/transitions`, tok.dispatcher, {
          action: 'void',
          version: t.version,
        });
      },
      'ValidationFailed',
      'body.reason',
    ],
    [
      'transition on a missing ticket',
      () =>
        post('/api/tickets/nope/transitions', tok.dispatcher, { action: 'void', version: 1, reason: 'x' }),
      'NotFound',
    ],
    [
      'evidence as text',
      async () =>
        h.app.inject({
          method: 'POST',
          url: `/api/tickets/${(await someTicket()).id}/evidence`,
          headers: { authorization: `Bearer ${tok.centre}`, 'content-type': 'text/plain' },
          payload: 'hello',
        }) as never,
      'UnsupportedMediaType',
    ],
    [
      'evidence as JSON',
      async () => post(`/api/tickets/${(await someTicket()).id}/evidence`, tok.centre, { a: 1 }),
      'UnsupportedMediaType',
    ],
    [
      'evidence of an unknown kind',
      async () =>
        h.app.inject({
          method: 'POST',
          url: `/api/tickets/${(await someTicket()).id}/evidence?kind=selfie`,
          headers: { authorization: `Bearer ${tok.centre}`, 'content-type': 'image/png' },
          payload: Buffer.from('x'),
        }) as never,
      'ValidationFailed',
      'querystring.kind',
    ],
    [
      'evidence for a missing ticket',
      () =>
        h.app.inject({
          method: 'POST',
          url: '/api/tickets/nope/evidence',
          headers: { authorization: `Bearer ${tok.centre}`, 'content-type': 'image/png' },
          payload: Buffer.from('x'),
        }) as never,
      'NotFound',
    ],
    [
      'grid import with an open ring',
      () =>
        post(
          '/api/grids/import',
          tok.admin,
          featureCollection(
            gridFeature({ name: 'ok' }, square(0, 0, 1, 1)),
            // An open ring: the last point is not the first.
            gridFeature({ name: 'bad' }, [square(0, 0, 1, 1)[0]!.slice(0, 4)]),
          ),
        ),
      'InvalidGeoJson',
    ],
    [
      'grid import naming an unknown department',
      () =>
        post(
          '/api/grids/import',
          tok.admin,
          featureCollection(gridFeature({ name: 'x', department: 'NOPE' }, square(0, 0, 1, 1))),
        ),
      'ValidationFailed',
      'body.features.0.properties.department',
    ],
    [
      'grid with a point',
      () => post('/api/grids', tok.admin, { name: 'p', geometry: { type: 'Point', coordinates: [1, 1] } }),
      'InvalidGeoJson',
      'body.geometry',
    ],
    [
      'grid with an unknown department',
      () =>
        post('/api/grids', tok.admin, {
          name: 'p',
          departmentId: 'nope',
          geometry: { type: 'Polygon', coordinates: square(0, 0, 1, 1) },
        }),
      'ValidationFailed',
      'body.departmentId',
    ],
    [
      'a second rule for the same category and grid',
      () =>
        post('/api/ticket-routes', tok.admin, {
          category: 'fire_smoke',
          gridId: null,
          departmentId: deps.um,
        }),
      'Conflict',
    ],
    [
      'a rule with an unknown category',
      () => post('/api/ticket-routes', tok.admin, { category: 'ufo', gridId: null, departmentId: deps.um }),
      'ValidationFailed',
      'body.category',
    ],
    [
      'triage reject of a missing item',
      () => post('/api/triage/nope/reject', tok.centre, { reason: 'x' }),
      'NotFound',
    ],
    [
      'ticket list with a bad status',
      () => h.req('GET', '/api/tickets?status=lost', { token: tok.centre }),
      'ValidationFailed',
    ],
  ];
  for (const [what, send, code, pathName] of cases) {
    it(what, async () => {
      const before = await counts();
      const res = await send();
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().error.code).toMatch(new RegExp(`^(${code})$`));
      if (pathName) expect(res.json().error.path).toBe(pathName);
      expect(await counts()).toEqual(before);
    });
  }
});

describe('evidence hash chain', () => {
  it('verifies, and finds a file changed by one byte', async () => {
    const desk = h.app.tickets;
    const db = h.app.aerie.database.db;
    const verdict = await verifyEvidenceChain(db, desk.media);
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.records).toBeGreaterThanOrEqual(3);
    const [second] = await rawRows<{ sha: string }>(
      db,
      sql`select file_sha256 as sha from evidence where seq = 2`,
    );
    const file = path.join(h.dir, 'media', second!.sha);
    const bytes = readFileSync(file);
    bytes[0] = (bytes[0]! + 1) % 256;
    writeFileSync(file, bytes);
    expect(await verifyEvidenceChain(db, desk.media)).toMatchObject({
      ok: false,
      seq: 2,
      problem: 'FileChanged',
    });
    bytes[0] = (bytes[0]! + 255) % 256;
    writeFileSync(file, bytes);
    expect((await verifyEvidenceChain(db, desk.media)).ok).toBe(true);
  });
});

describe('the ticket list', () => {
  it('pages a filtered list newest first with its total, from the list index', async () => {
    for (const [i, lat] of [29.95, 29.96, 29.97].entries()) {
      h.clock.t += 60_000 * (i + 1);
      const filed = await post('/api/findings', tok.centre, {
        finding: finding('construction', 0.95, lat, 119.95),
      });
      expect(filed.statusCode, filed.body).toBe(201);
    }
    const q = `status=dispatched&status=signed&category=construction&departmentId=${deps.um}`;
    const all = (await h.req('GET', `/api/tickets?${q}&limit=500`, { token: tok.centre })).json();
    expect(all.total).toBeGreaterThanOrEqual(3);
    expect(all.items).toHaveLength(all.total);
    const created = all.items.map((t: { createdAt: string }) => Date.parse(t.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const page = (await h.req('GET', `/api/tickets?${q}&limit=2&offset=1`, { token: tok.centre })).json();
    expect(page.total).toBe(all.total);
    expect(page.items.map((t: { id: string }) => t.id)).toEqual(
      all.items.slice(1, 3).map((t: { id: string }) => t.id),
    );
    // On SQLite, the page's ids and its total come from the index alone (EXPLAIN QUERY PLAN;
    // SQLite's planner, which PostgreSQL's cost-based one on a tiny table does not follow).
    if (h.app.aerie.database.dialect !== 'sqlite') return;
    const plan = async (query: string) =>
      (await rawRows<{ detail: string }>(h.app.aerie.database.db, sql.raw(`explain query plan ${query}`)))
        .map((r) => r.detail)
        .join('; ');
    const where = `where status in ('dispatched', 'signed') and category = 'construction' and department_id = '${deps.um}'`;
    const covering = 'USING COVERING INDEX tickets_department_category_status_created_idx';
    expect(
      await plan(`select id from tickets ${where} order by created_at desc, id desc limit 2 offset 1`),
    ).toContain(covering);
    expect(await plan(`select count(*) from tickets ${where}`)).toContain(covering);
  });
});
