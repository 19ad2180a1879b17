/**
 * The scheduler loop on two server nodes: only the holder of the 'scheduler' lease launches a
 * due run, and a node that takes the lease over starts from what the previous holder stored, so
 * an occurrence is launched once whichever node ticks.
 */
import { destination } from '@aerie/missions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Leases } from '../cluster/leases.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';
import type { LaunchRequest, LaunchResult } from './orchestrator.ts';
import { SchedulerLoop } from './scheduler-loop.ts';

const DOCK = { lat: 30.2741, lon: 120.1551 };
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ patrol: { scheduler: false } });
});
afterAll(async () => {
  await h.close();
});

describe('scheduler loop with leases', () => {
  it('launches a due run on the lease holder only, and once after the lease moves', async () => {
    const route = await create(h, '/api/routes', {
      name: 'Leased route',
      kind: 'waypoint',
      route: {
        format: 'aerie.route',
        version: 1,
        name: 'Leased route',
        home: DOCK,
        defaults: { altM: 40, speedMps: 8 },
        items: [
          { type: 'takeoff', altM: 30 },
          { type: 'waypoint', ...destination(DOCK, 0, 300), altM: 40 },
          { type: 'rtl' },
        ],
      },
    });
    const runAt = h.clock.t + 60_000;
    await create(h, '/api/schedules', {
      name: 'Once',
      routeId: route.id,
      kind: 'once',
      runAt: new Date(runAt).toISOString(),
      windowS: 3600,
    });
    const db = h.app.aerie.database.db;
    const now = () => h.clock.t;
    const launched: string[] = [];
    const loop = (nodeId: string) => {
      const leases = new Leases({ db, nodeId, ttlMs: 120_000, now });
      return new SchedulerLoop({
        db,
        now,
        lease: () => leases.hold('scheduler'),
        orchestrator: {
          async launch(req: LaunchRequest): Promise<LaunchResult> {
            launched.push(`${nodeId}:${req.scheduleId}`);
            return {
              ok: true,
              sortieId: `s-${launched.length}`,
              dockId: null,
              vehicleId: 'v',
              decision: 'clear',
            };
          },
        },
      });
    };
    const a = loop('node-a');
    const b = loop('node-b');
    await a.tickOnce();
    await b.tickOnce();
    expect(launched).toEqual([]);
    h.clock.t = runAt + 1000;
    // A holds the lease (it ticked first): B launches nothing.
    await b.tickOnce();
    await a.tickOnce();
    expect(launched.map((l) => l.split(':')[0])).toEqual(['node-a']);
    // A dies; once its lease expires B takes over and does not launch the same run again.
    h.clock.t += 121_000;
    await b.tickOnce();
    await b.tickOnce();
    expect(launched).toHaveLength(1);
  });
});
