import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { departments, docks, sites, vehicles } from '../db/schema.ts';
import { dropTestDatabase, openTestDatabase } from '../test/database.ts';
import { audienceRooms, DepartmentDirectory, maySee, viewerRooms } from './visibility.ts';

describe('maySee', () => {
  it('lets an all-scope viewer see everything and a department viewer only their department', () => {
    expect(maySee({ scope: 'all', departmentId: null }, 'water')).toBe(true);
    expect(maySee({ scope: 'all', departmentId: null }, null)).toBe(true);
    expect(maySee({ scope: 'department', departmentId: 'water' }, 'water')).toBe(true);
    expect(maySee({ scope: 'department', departmentId: 'water' }, 'fire')).toBe(false);
    expect(maySee({ scope: 'department', departmentId: 'water' }, null)).toBe(false);
    expect(maySee({ scope: 'department', departmentId: 'water' }, undefined)).toBe(false);
    // A department user without a department sees nothing, not the things of no department.
    expect(maySee({ scope: 'department', departmentId: null }, null)).toBe(false);
  });
});

describe('viewer rooms', () => {
  it('put a viewer in an audience exactly when maySee lets it see the thing', () => {
    const viewers = [
      { scope: 'all' as const, departmentId: null },
      { scope: 'all' as const, departmentId: 'water' },
      { scope: 'department' as const, departmentId: 'water' },
      { scope: 'department' as const, departmentId: 'fire' },
      { scope: 'department' as const, departmentId: null },
    ];
    for (const v of viewers)
      for (const dep of ['water', 'fire', null, undefined]) {
        const mine = new Set(viewerRooms(v));
        const hears = audienceRooms(dep).some((r) => mine.has(r));
        expect(hears, `${v.scope}/${v.departmentId} for ${dep}`).toBe(maySee(v, dep));
      }
  });
});

describe('DepartmentDirectory', () => {
  let dir: string;
  let database: Database;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-visibility-test-'));
    database = await openTestDatabase(dir);
    const at = new Date(0);
    await database.db.insert(departments).values([
      { id: 'water', name: 'Water', createdAt: at },
      { id: 'fire', name: 'Fire', createdAt: at },
    ]);
    await database.db.insert(vehicles).values([
      { id: 'v-water', name: 'a', serial: 'S1', model: 'm', departmentId: 'water', createdAt: at },
      { id: 'v-none', name: 'b', serial: 'S2', model: 'm', departmentId: null, createdAt: at },
    ]);
    await database.db.insert(sites).values({ id: 's', name: 'site', latDeg: 23, lonDeg: 113, createdAt: at });
    await database.db.insert(docks).values({
      id: 'd-fire',
      name: 'dock',
      serial: 'D1',
      model: 'm',
      siteId: 's',
      departmentId: 'fire',
      latDeg: 23,
      lonDeg: 113,
      altAmslM: 10,
      createdAt: at,
    });
  });
  afterEach(async () => {
    await database.close();
    await rm(dir, { recursive: true, force: true });
    await dropTestDatabase(dir);
  });

  it('answers from one cache for vehicles and docks, reloading only when stale or forced', async () => {
    let now = 0;
    const d = new DepartmentDirectory(database.db, { refreshMs: 1000, now: () => now });
    const water = { scope: 'department' as const, departmentId: 'water' };
    const fire = { scope: 'department' as const, departmentId: 'fire' };
    expect(d.loaded).toBe(false);
    expect(d.seesVehicle(water, 'v-water')).toBe(false);
    await d.refresh();
    expect(d.seesVehicle(water, 'v-water')).toBe(true);
    expect(d.seesVehicle(water, 'v-none')).toBe(false);
    expect(d.seesDock(fire, 'd-fire')).toBe(true);
    expect(d.seesDock(water, 'd-fire')).toBe(false);
    expect(d.seesVehicle({ scope: 'all', departmentId: null }, 'never-heard-of')).toBe(true);

    await database.db.update(vehicles).set({ departmentId: 'fire' }).where(eq(vehicles.id, 'v-water'));
    now = 500;
    await d.refresh();
    expect(d.seesVehicle(water, 'v-water')).toBe(true); // still fresh: not reloaded
    now = 1500;
    await d.refresh();
    expect(d.seesVehicle(water, 'v-water')).toBe(false);
    expect(d.seesVehicle(fire, 'v-water')).toBe(true);
    d.noteVehicle('v-water', 'water');
    expect(d.seesVehicle(water, 'v-water')).toBe(true);
    await d.refresh(true);
    expect(d.seesVehicle(water, 'v-water')).toBe(false);
  });
});
