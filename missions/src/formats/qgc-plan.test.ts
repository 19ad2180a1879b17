import { describe, expect, it } from 'vitest';
import { toMissionItems } from '../convert.ts';
import type { Route } from '../route.ts';
import { patrolRoute, QGC_PLAN } from '../testing/fixtures.ts';
import { parseRouteFile } from './parse.ts';
import { parseQgcPlan, writeQgcPlan } from './qgc-plan.ts';

const clone = <T>(v: T): T => structuredClone(v);

function parsed(json: unknown): Route {
  const r = parseQgcPlan(json, 'survey');
  if (!r.ok) throw new Error(r.error.message);
  return r.route;
}

describe('QGroundControl .plan', () => {
  it('reads home, speeds, items (null params as NaN), jumps, fence and rally points', () => {
    const route = parsed(QGC_PLAN);
    expect(route.home).toEqual({ lat: 30.2741, lon: 120.1551, altAmslM: 12.3 });
    expect(route.vehicle).toBe('multicopter');
    expect(route.defaults).toEqual({ altM: 30, speedMps: 5 });
    expect(route.items).toHaveLength(6);
    const takeoff = route.items[0]!;
    expect(takeoff.type).toBe('mavlink');
    if (takeoff.type !== 'mavlink') return;
    expect(takeoff.command).toBe(22);
    expect(takeoff.frame).toBe(3);
    expect(Number.isNaN(takeoff.params[3])).toBe(true);
    // DO_JUMP param1 2 names doJumpId 2, which is route item 1.
    expect(route.items[4]).toEqual({ type: 'jump', toItem: 1, repeat: 1 });
    expect(route.fence?.circles).toEqual([
      { inclusion: false, center: { lat: 30.2745, lon: 120.158 }, radiusM: 40.5 },
    ]);
    expect(route.fence?.polygons[0]?.points).toHaveLength(4);
    expect(route.rally).toEqual([{ lat: 30.2738, lon: 120.1557, altM: 25 }]);
  });

  it('converts SimpleItems 1:1 to mission items, NaN kept, jump resolved to the sequence number', () => {
    const items = toMissionItems(parsed(QGC_PLAN), { flavour: 'px4' });
    expect(items.map((i) => i.command)).toEqual([22, 16, 178, 16, 177, 20]);
    expect(items[1]).toMatchObject({ frame: 3, x: 302755000, y: 1201562000, z: 40 });
    expect(Number.isNaN(items[1]!.param4)).toBe(true);
    expect(items[3]!.param1).toBe(5);
    expect(items[4]).toMatchObject({ param1: 1, param2: 1 });
    const ap = toMissionItems(parsed(QGC_PLAN), { flavour: 'ardupilot' });
    expect(ap[5]).toMatchObject({ command: 177, param1: 2 });
  });

  it('round-trips: parse -> write -> parse gives the same route', () => {
    const first = parsed(QGC_PLAN);
    const text = writeQgcPlan(first);
    const second = parsed(JSON.parse(text));
    expect(second).toEqual(first);
  });

  it('writes what QGroundControl expects: SimpleItems with doJumpId from 1, null for NaN, AltitudeMode', () => {
    const plan = JSON.parse(writeQgcPlan(patrolRoute()));
    expect(plan).toMatchObject({ fileType: 'Plan', version: 1 });
    expect(plan.mission).toMatchObject({ version: 2, firmwareType: 12, vehicleType: 2 });
    expect(plan.mission.plannedHomePosition).toEqual([30.2741, 120.1551, 0]);
    const [takeoff, wp1, , rtl] = plan.mission.items;
    expect(takeoff).toEqual({
      AMSLAltAboveTerrain: null,
      Altitude: 30,
      AltitudeMode: 1,
      autoContinue: true,
      command: 22,
      doJumpId: 1,
      frame: 3,
      params: [0, 0, 0, null, 30.2741, 120.1551, 30],
      type: 'SimpleItem',
    });
    expect(wp1.frame).toBe(3);
    expect(rtl).toEqual({
      autoContinue: true,
      command: 20,
      doJumpId: 4,
      frame: 2,
      params: [0, 0, 0, 0, 0, 0, 0],
      type: 'SimpleItem',
    });
    // An Aerie route written as a plan flies the same mission items once read back.
    const back = parsed(plan);
    const a = toMissionItems(patrolRoute(), { flavour: 'px4' });
    const b = toMissionItems(back, { flavour: 'px4' });
    expect(b.map((i) => [i.command, i.x, i.y, i.z])).toEqual(a.map((i) => [i.command, i.x, i.y, i.z]));
  });

  it('writes firmwareType 3 for ArduPilot', () => {
    expect(JSON.parse(writeQgcPlan(patrolRoute(), { flavour: 'ardupilot' })).mission.firmwareType).toBe(3);
  });

  it('rejects a ComplexItem naming its index and complexItemType', () => {
    const plan = clone(QGC_PLAN) as { mission: { items: unknown[] } };
    plan.mission.items.splice(2, 0, { type: 'ComplexItem', complexItemType: 'survey', version: 5 });
    const r = parseQgcPlan(plan);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('UnsupportedItem');
    expect(r.error.message).toContain('mission.items[2]');
    expect(r.error.message).toContain('survey');
  });

  it('names the item and field that is wrong', () => {
    const plan = clone(QGC_PLAN) as { mission: { items: { params: unknown[] }[] } };
    plan.mission.items[3]!.params = [0, 0, 0];
    const r = parseQgcPlan(plan);
    expect(!r.ok && r.error.message).toMatch(/^mission\.items\[3\]\.params: /);
    const bad = clone(QGC_PLAN) as { mission: { items: { params: unknown[] }[] } };
    bad.mission.items[1]!.params[4] = 123;
    const r2 = parseQgcPlan(bad);
    expect(!r2.ok && r2.error.message).toBe(
      'mission.items[1].params[4]: latitude must be between -90 and 90, got 123',
    );
    const wrongType = { ...clone(QGC_PLAN), fileType: 'Mission' };
    expect(
      !parseQgcPlan(wrongType).ok &&
        (parseQgcPlan(wrongType) as { error: { message: string } }).error.message,
    ).toBe('fileType: must be "Plan", got "Mission"');
  });

  it('rejects a DO_JUMP to a doJumpId no item has', () => {
    const plan = clone(QGC_PLAN) as { mission: { items: { params: unknown[] }[] } };
    plan.mission.items[4]!.params[0] = 99;
    const r = parseQgcPlan(plan);
    expect(!r.ok && r.error.message).toContain('mission.items[4].params[0]');
  });

  it('is detected by parseRouteFile from content and from the .plan extension', () => {
    const r = parseRouteFile(JSON.stringify(QGC_PLAN), '/tmp/river-patrol.plan');
    expect(r.ok && r.format).toBe('qgc-plan');
    expect(r.ok && r.route.name).toBe('river-patrol');
  });
});

describe('older QGroundControl files', () => {
  it('reads items saved with a separate coordinate and four params (QGroundControl before 3.3)', () => {
    const old = {
      fileType: 'Plan',
      geoFence: { polygon: [], version: 1 },
      groundStation: 'QGroundControl',
      mission: {
        cruiseSpeed: 15,
        firmwareType: 12,
        hoverSpeed: 5,
        items: [
          {
            autoContinue: true,
            command: 22,
            coordinate: [30.2741, 120.1551, 20],
            doJumpId: 1,
            frame: 3,
            params: [0, 0, 0, null],
            type: 'SimpleItem',
          },
          {
            autoContinue: true,
            command: 16,
            coordinate: [30.2748, 120.156, 20],
            doJumpId: 2,
            frame: 3,
            params: [0, 0, 0, null],
            type: 'SimpleItem',
          },
          {
            autoContinue: true,
            command: 205,
            coordinate: [0, 0, 2],
            doJumpId: 3,
            frame: 2,
            params: [0, 0, 0, 0],
            type: 'SimpleItem',
          },
        ],
        plannedHomePosition: [30.2741, 120.1551, 20],
        vehicleType: 2,
        version: 2,
      },
      rallyPoints: { points: [], version: 1 },
      version: 1,
    };
    const r = parseQgcPlan(old);
    if (!r.ok) throw new Error(r.error.message);
    const items = toMissionItems(r.route, { flavour: 'px4' });
    expect(items.map((i) => [i.command, i.x, i.y, i.z])).toEqual([
      [22, 302741000, 1201551000, 20],
      [16, 302748000, 1201560000, 20],
      [205, 0, 0, 2],
    ]);
    expect(r.route.fence).toBeUndefined();
  });
});
