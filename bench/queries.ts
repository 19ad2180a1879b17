/**
 * Flight-log queries at district scale: 1,000,000 stored track points over 4,000 sorties (about
 * what a district's nine months hold), then the sortie list, a one-hour track replay and a
 * nine-month statistics query through the real HTTP stack (`app.inject()`), median of several
 * runs after a warm-up. The rows are bulk-inserted with prepared statements in one transaction
 * on the raw better-sqlite3 handle, which only a benchmark may do.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SQLITE_FILE } from '@aerie/server';
import Sqlite from 'better-sqlite3';
import { type BenchEntry, benchServer, round, timeMedian } from './lib.ts';

const TRACK_POINTS = 1_000_000;
const SORTIES = 4000;
const VEHICLES = 8;
/** The replayed sortie flies two hours at 1 Hz; the replay asks for its second hour. */
const LONG_SORTIE_S = 7200;
const RUNS = 15;
const TARGET_MS = 50;
const PASSWORD = 'bench-admin-password';

export async function benchQueries(): Promise<BenchEntry[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-bench-queries-'));
  const { app, inject, token } = await benchServer(dir, PASSWORD);
  try {
    const department = (await inject('POST', '/api/departments', token, { name: 'District' })).id as string;
    const site = (await inject('POST', '/api/sites', token, { name: 'Town', latDeg: 23.03, lonDeg: 113.14 }))
      .id as string;
    const fleet: { vehicle: string; dock: string }[] = [];
    for (let i = 0; i < VEHICLES; i++) {
      const dock = (
        await inject('POST', '/api/docks', token, {
          name: `Dock ${i + 1}`,
          serial: `D-${i + 1}`,
          model: 'Dock 2',
          siteId: site,
          departmentId: department,
          latDeg: 23.03,
          lonDeg: 113.14,
          altAmslM: 10,
        })
      ).id as string;
      const vehicle = (
        await inject('POST', '/api/vehicles', token, {
          name: `UAV ${i + 1}`,
          serial: `V-${i + 1}`,
          model: 'M30',
          departmentId: department,
          dockId: dock,
        })
      ).id as string;
      fleet.push({ vehicle, dock });
    }

    const t0 = Date.UTC(2026, 0, 1);
    const spacingMs = Math.floor((270 * 86_400_000) / SORTIES); // nine months
    const perSortie = Math.floor((TRACK_POINTS - LONG_SORTIE_S) / (SORTIES - 1));
    const longSortie = randomUUID();
    const longStart = t0 + 100 * spacingMs;
    const fillStart = performance.now();
    const raw = new Sqlite(path.join(dir, SQLITE_FILE));
    raw.pragma('journal_mode = WAL');
    const insertSortie = raw.prepare(
      `insert into sorties (id, vehicle_id, dock_id, department_id, kind, status, started_at, ended_at,
         distance_m, duration_s, max_alt_rel_m, mission_ran, created_at)
       values (?, ?, ?, ?, 'patrol', 'completed', ?, ?, ?, ?, 60, ?, ?)`,
    );
    const insertPoint = raw.prepare(
      `insert into track_points (sortie_id, vehicle_id, at, lat_deg, lon_deg, alt_amsl_m, alt_rel_m,
         heading_deg, ground_speed_mps, battery_pct) values (?, ?, ?, ?, ?, 70, 60, 90, 8, ?)`,
    );
    let points = 0;
    raw.transaction(() => {
      for (let s = 0; s < SORTIES; s++) {
        const id = s === 100 ? longSortie : randomUUID();
        const n = s === 100 ? LONG_SORTIE_S : s === SORTIES - 1 ? TRACK_POINTS - points : perSortie;
        const { vehicle, dock } = fleet[s % VEHICLES]!;
        const start = s === 100 ? longStart : t0 + s * spacingMs;
        insertSortie.run(
          id,
          vehicle,
          dock,
          department,
          start,
          start + n * 1000,
          n * 8,
          n,
          s % 5 === 0 ? 0 : 1,
          start,
        );
        for (let i = 0; i < n; i++) {
          insertPoint.run(id, vehicle, start + i * 1000, 23.03 + i * 7e-5, 113.14, 100 - (i / n) * 70);
        }
        points += n;
      }
    })();
    raw.close();
    const fillS = (performance.now() - fillStart) / 1000;

    const listMs = await timeMedian(async () => {
      const page = await inject('GET', '/api/sorties', token);
      if (page.items.length !== 50 || page.total !== SORTIES) throw new Error('sortie list is wrong');
    });
    const byVehicleMs = await timeMedian(async () => {
      const page = await inject('GET', `/api/sorties?vehicleId=${fleet[3]!.vehicle}&limit=50`, token);
      if (page.items.length !== 50) throw new Error('vehicle sortie list is wrong');
    });
    const from = new Date(longStart + 3_600_000).toISOString();
    const to = new Date(longStart + 7_200_000).toISOString();
    const replayMs = await timeMedian(async () => {
      const track = await inject('GET', `/api/sorties/${longSortie}/track?from=${from}&to=${to}`, token);
      if (track.points.length !== 3600) throw new Error(`replay answered ${track.points.length} points`);
    });
    const statsFrom = new Date(t0).toISOString();
    const statsTo = new Date(t0 + 270 * 86_400_000).toISOString();
    const statsMs = await timeMedian(async () => {
      const s = await inject(
        'GET',
        `/api/stats?from=${statsFrom}&to=${statsTo}&bucket=week&groupBy=dock`,
        token,
      );
      if (s.totals.sorties !== SORTIES) throw new Error('statistics are wrong');
    });

    const note = `${points.toLocaleString('en')} track points, ${SORTIES} sorties, ${VEHICLES} vehicles (filled in ${round(fillS, 1)} s); median of ${RUNS} runs through app.inject()`;
    return [
      {
        name: 'queries: sortie list (newest 50 + total)',
        value: round(listMs),
        unit: 'ms',
        target: `< ${TARGET_MS}`,
        met: listMs < TARGET_MS,
        note,
      },
      {
        name: 'queries: sortie list of one vehicle',
        value: round(byVehicleMs),
        unit: 'ms',
        target: `< ${TARGET_MS}`,
        met: byVehicleMs < TARGET_MS,
        note,
      },
      {
        name: 'queries: one-hour track replay (3600 points)',
        value: round(replayMs),
        unit: 'ms',
        target: `< ${TARGET_MS}`,
        met: replayMs < TARGET_MS,
        note,
      },
      {
        name: 'queries: nine-month statistics by week and dock',
        value: round(statsMs),
        unit: 'ms',
        target: `< ${TARGET_MS}`,
        met: statsMs < TARGET_MS,
        note,
      },
    ];
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/queries.ts` runs this group alone.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  for (const e of await benchQueries())
    process.stdout.write(
      `${e.name}: ${e.value} ${e.unit} (target ${e.target}) ${e.met ? 'met' : 'NOT MET'}\n`,
    );
}
