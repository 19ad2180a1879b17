/**
 * Ticket statistics on a seeded database: every figure of `GET /api/tickets/stats` is known
 * in advance from the rows written below, so a wrong aggregate (a voided ticket counted in
 * the closure rate, a late closure counted as on time) shows as a wrong number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../db/schema.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';

let h: Harness;
const dep = { a: '', b: '' };
const tok = { centre: '', officerA: '', officerB: '' };

const NOW = Date.parse('2026-06-10T02:00:00Z');
const DAY = 86_400_000;

interface Seed {
  category: string;
  status: string;
  dep: 'a' | 'b' | null;
  closedOnTime?: boolean;
  /** Days from NOW of the running deadline; negative: overdue. */
  dueInDays?: number;
  /** Days before NOW the ticket was created (default 1). */
  ageDays?: number;
  urgent?: boolean;
}

/*
 * Department A: 3 closed (2 on time), 1 in progress and overdue, 1 voided
 *   -> total 5, closure 3 / 4, on time 2 / 3, overdue 1.
 * Department B: 1 closed on time, 1 dispatched not yet due -> closure 1 / 2, on time 1 / 1.
 * No department: 1 new ticket -> no closure figures (null rates).
 * One more ticket of A created 30 days ago, outside the `from` window of the range test.
 */
const SEEDS: Seed[] = [
  { category: 'fire_smoke', status: 'closed', dep: 'a', closedOnTime: true, urgent: true },
  { category: 'construction', status: 'closed', dep: 'a', closedOnTime: false },
  { category: 'construction', status: 'closed', dep: 'a', closedOnTime: true },
  { category: 'construction', status: 'in_progress', dep: 'a', dueInDays: -1 },
  { category: 'other', status: 'voided', dep: 'a' },
  { category: 'river_pollution', status: 'closed', dep: 'b', closedOnTime: true },
  { category: 'river_pollution', status: 'dispatched', dep: 'b', dueInDays: 2 },
  { category: 'fire_smoke', status: 'new', dep: null },
  { category: 'construction', status: 'closed', dep: 'a', closedOnTime: false, ageDays: 30 },
];

beforeAll(async () => {
  h = await startHarness({ tickets: { sweepEveryMs: 0 }, config: { sessionTtlS: 365 * 86_400 } });
  h.clock.t = NOW;
  dep.a = String((await create(h, '/api/departments', { name: '城管局', code: 'UM' })).id);
  dep.b = String((await create(h, '/api/departments', { name: '水务局', code: 'WATER' })).id);
  tok.centre = await h.userToken('command_centre');
  tok.officerA = await h.userToken('department_officer', { departmentId: dep.a });
  tok.officerB = await h.userToken('department_officer', { departmentId: dep.b });
  const db = h.app.aerie.database.db;
  for (const [i, s] of SEEDS.entries()) {
    const created = new Date(NOW - (s.ageDays ?? 1) * DAY);
    await db.insert(tickets).values({
      id: `seed-${i}`,
      number: `GC-20260609-${String(i + 1).padStart(4, '0')}`,
      category: s.category,
      status: s.status,
      version: 1,
      source: 'detector',
      latDeg: 30,
      lonDeg: 120,
      errorM: 5,
      departmentId: s.dep === null ? null : dep[s.dep],
      urgent: s.urgent ?? false,
      lastOccurrenceAt: created,
      closedAt: s.status === 'closed' ? new Date(NOW - DAY / 2) : null,
      closedOnTime: s.closedOnTime ?? null,
      dueAt: s.dueInDays === undefined ? null : new Date(NOW + s.dueInDays * DAY),
      createdAt: created,
      updatedAt: created,
    });
  }
});
afterAll(async () => {
  await h.close();
});

async function stats(token: string, query = '') {
  const res = await h.req('GET', `/api/tickets/stats${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('GET /api/tickets/stats on seeded tickets', () => {
  it('counts the last week by category, status and department with exact rates', async () => {
    const from = new Date(NOW - 7 * DAY).toISOString();
    const s = await stats(tok.centre, `?from=${from}`);
    expect(s.byCategory).toEqual([
      { key: 'construction', count: 3 },
      { key: 'fire_smoke', count: 2 },
      { key: 'other', count: 1 },
      { key: 'river_pollution', count: 2 },
    ]);
    expect(s.byStatus).toEqual([
      { key: 'closed', count: 4 },
      { key: 'dispatched', count: 1 },
      { key: 'in_progress', count: 1 },
      { key: 'new', count: 1 },
      { key: 'voided', count: 1 },
    ]);
    const byDep = Object.fromEntries(
      s.byDepartment.map((d: { key: string; count: number }) => [d.key, d.count]),
    );
    expect(byDep).toEqual({ [dep.a]: 5, [dep.b]: 2, null: 1 });
    const per = (id: string | null) =>
      s.perDepartment.find((d: { departmentId: string | null }) => d.departmentId === id);
    expect(per(dep.a)).toEqual({
      departmentId: dep.a,
      departmentName: '城管局',
      total: 5,
      closed: 3,
      closedOnTime: 2,
      overdue: 1,
      closureRate: 0.75,
      onTimeRate: 2 / 3,
    });
    expect(per(dep.b)).toEqual({
      departmentId: dep.b,
      departmentName: '水务局',
      total: 2,
      closed: 1,
      closedOnTime: 1,
      overdue: 0,
      closureRate: 0.5,
      onTimeRate: 1,
    });
    expect(per(null)).toMatchObject({ total: 1, closed: 0, closureRate: 0, onTimeRate: null });
  });

  it('counts every ticket when no range is given (the old late closure lowers the on-time rate)', async () => {
    const s = await stats(tok.centre);
    const a = s.perDepartment.find((d: { departmentId: string | null }) => d.departmentId === dep.a);
    expect(a).toMatchObject({ total: 6, closed: 4, closedOnTime: 2, closureRate: 0.8, onTimeRate: 0.5 });
  });

  it("shows a department officer only their department's tickets", async () => {
    const mine = await stats(tok.officerA);
    expect(mine.perDepartment.map((d: { departmentId: string }) => d.departmentId)).toEqual([dep.a]);
    expect(mine.byStatus.reduce((n: number, x: { count: number }) => n + x.count, 0)).toBe(6);
    expect(mine.byCategory.map((x: { key: string }) => x.key)).not.toContain('river_pollution');
    const b = await stats(tok.officerB);
    expect(b.byCategory).toEqual([{ key: 'river_pollution', count: 2 }]);
    expect(b.perDepartment).toMatchObject([{ departmentId: dep.b, closureRate: 0.5, onTimeRate: 1 }]);
  });

  it('refuses a range that ends before it starts, naming the field', async () => {
    const res = await h.req('GET', '/api/tickets/stats?from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z', {
      token: tok.centre,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'ValidationFailed', path: 'query.to' });
  });
});
