/**
 * Ticket desk at a district's yearly volume: 100,000 tickets bulk-inserted (prepared statements
 * on the raw better-sqlite3 handle, which only a benchmark may do), then through the real HTTP
 * stack (`app.inject()`): a filtered ticket page, the overdue sweep with 100,000 open tickets of
 * which 500 are due, and finding -> ticket (intake, de-duplication, routing, numbering, two
 * transitions, the ticket event) p95 over 200 findings.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { build, SQLITE_FILE } from '@aerie/server';
import { testFinding } from '@aerie/server/test-fixtures';
import Sqlite from 'better-sqlite3';
import { type BenchEntry, percentile, round } from './lib.ts';

const TICKETS = 100_000;
const DUE = 500;
const DEPARTMENTS = 10;
const FINDINGS = 200;
const RUNS = 15;
const PASSWORD = 'bench-admin-password';
const CATEGORIES = ['fire_smoke', 'construction', 'river_pollution', 'other'];
const OPEN = ['dispatched', 'signed', 'in_progress'];

export async function benchTickets(): Promise<BenchEntry[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-bench-tickets-'));
  const now = Date.parse('2026-12-07T02:00:00Z'); // a Monday, 10:00 Beijing
  const app = await build({
    config: { dataDir: dir, logLevel: 'silent', adminPassword: PASSWORD, sessionTtlS: 86_400 },
    announce: () => {},
    now: () => now,
    tickets: { sweepEveryMs: 0, webhookEveryMs: 0 },
  });
  try {
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: PASSWORD },
    });
    const token = login.json().token as string;
    const headers = { authorization: `Bearer ${token}` };
    const deps: string[] = [];
    for (let i = 0; i < DEPARTMENTS; i++) {
      const d = await app.inject({
        method: 'POST',
        url: '/api/departments',
        headers,
        payload: { name: `Dept ${i}` },
      });
      deps.push(d.json().id);
    }
    await app.inject({
      method: 'POST',
      url: '/api/ticket-routes',
      headers,
      payload: { category: 'construction', gridId: null, departmentId: deps[0] },
    });

    const raw = new Sqlite(path.join(dir, SQLITE_FILE));
    const insert = raw.prepare(
      `insert into tickets (id, number, category, status, version, source, description, lat_deg, lon_deg, error_m,
        department_id, urgent, occurrence_count, reopen_count, last_occurrence_at, extension, extension_minutes,
        dispatched_at, due_at, next_alert_at, warned, escalation_level, created_at, updated_at)
       values (?, ?, ?, ?, 3, 'detector', '', ?, ?, 5, ?, 0, 1, 0, ?, 'none', 0, ?, ?, ?, 0, 0, ?, ?)`,
    );
    const year = 365 * 86_400_000;
    raw.transaction(() => {
      for (let i = 0; i < TICKETS; i++) {
        const created = now - year + Math.floor((i / TICKETS) * year);
        const due = i < DUE;
        insert.run(
          randomUUID(),
          `GC-BENCH-${String(i).padStart(6, '0')}`,
          CATEGORIES[i % 4],
          OPEN[i % 3],
          29 + (i % 1000) / 1000,
          119 + Math.floor(i / 1000) / 100,
          // Independent of the category (i % 4), so every department has every category.
          deps[Math.floor(i / 4) % DEPARTMENTS],
          created,
          // A due ticket was dispatched two days ago (older ones were escalated by earlier sweeps).
          due ? now - 2 * 86_400_000 : created,
          due ? now - 60_000 : now + 86_400_000 + i,
          due ? now - 60_000 : now + 86_400_000 + i,
          created,
          created,
        );
      }
    })();
    raw.close();

    const page = async (url: string) => {
      const samples: number[] = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const t = performance.now();
        const res = await app.inject({ method: 'GET', url, headers });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
        if (i >= 3) samples.push(performance.now() - t);
      }
      return percentile(
        samples.sort((a, b) => a - b),
        50,
      );
    };
    const filtered = await page(
      `/api/tickets?status=dispatched&status=signed&category=construction&departmentId=${deps[2]}&limit=50&offset=100`,
    );
    const overduePage = await page('/api/tickets?overdue=true&limit=50');

    await app.tickets.sweep(now - 3_600_000); // warm-up: nothing due an hour earlier
    const t0 = performance.now();
    const swept = await app.tickets.sweep(now);
    const sweepMs = performance.now() - t0;
    if (swept.examined !== DUE) throw new Error(`sweep examined ${swept.examined}, expected ${DUE}`);

    const latencies: number[] = [];
    for (let i = 0; i < FINDINGS; i++) {
      const t = performance.now();
      const res = await app.inject({
        method: 'POST',
        url: '/api/findings',
        headers,
        payload: {
          finding: {
            ...testFinding(now, { score: 0.9, lat: 31 + i * 0.01, lon: 121, errorM: 3, box: [0, 0, 10, 10] }),
            detector: { name: 'bench', version: '1', kind: 'onnx' },
          },
        },
      });
      latencies.push(performance.now() - t);
      if (res.statusCode !== 201) throw new Error(`finding ${i}: ${res.statusCode} ${res.body}`);
    }
    const p95 = percentile(
      latencies.sort((a, b) => a - b),
      95,
    );

    return [
      {
        name: 'tickets: filtered page over 100,000 tickets',
        value: round(filtered),
        unit: 'ms',
        target: '< 50',
        met: filtered < 50,
        note: 'GET /api/tickets (2 statuses, category, department, limit 50), median of 15 via app.inject',
      },
      {
        name: 'tickets: overdue page over 100,000 tickets',
        value: round(overduePage),
        unit: 'ms',
        target: '< 50',
        met: overduePage < 50,
        note: 'GET /api/tickets?overdue=true, median of 15',
      },
      {
        name: 'tickets: overdue sweep, 100,000 open (500 due)',
        value: round(sweepMs),
        unit: 'ms',
        target: '< 100',
        met: sweepMs < 100,
        note: 'one sweep raising 500 escalations; tickets not due are never read (next_alert_at index)',
      },
      {
        name: 'tickets: finding -> ticket p95',
        value: round(p95),
        unit: 'ms',
        target: '< 500',
        met: p95 < 500,
        note: 'POST /api/findings to the stored, routed ticket and its event; not through a console socket',
      },
    ];
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}
