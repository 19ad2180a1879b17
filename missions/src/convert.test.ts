import { describe, expect, it } from 'vitest';
import { fromMissionItems, missionChecksum, toMissionItems } from './convert.ts';
import { MavCmd, MavFrame, MissionType } from './items.ts';
import type { Route } from './route.ts';
import { DOCK, patrolRoute } from './testing/fixtures.ts';

describe('toMissionItems', () => {
  it('PX4: the first route item is seq 0, positions in GLOBAL_RELATIVE_ALT_INT, RTL in MAV_FRAME_MISSION', () => {
    const items = toMissionItems(patrolRoute(), { flavour: 'px4' });
    expect(items.map((i) => [i.seq, i.command, i.frame])).toEqual([
      [0, MavCmd.NavTakeoff, MavFrame.GlobalRelativeAltInt],
      [1, MavCmd.NavWaypoint, MavFrame.GlobalRelativeAltInt],
      [2, MavCmd.NavWaypoint, MavFrame.GlobalRelativeAltInt],
      [3, MavCmd.NavReturnToLaunch, MavFrame.Mission],
    ]);
    expect(items[1]).toMatchObject({ x: 302755000, y: 1201551000, z: 30, missionType: MissionType.Mission });
    expect(items[2]).toMatchObject({ param1: 5, z: 40, x: 302755000, y: 1201567000 });
    // Take-off without its own position climbs over home; yaw left to the vehicle (NaN).
    expect(items[0]).toMatchObject({ x: 302741000, y: 1201551000, z: 30, current: 1 });
    expect(Number.isNaN(items[0]!.param4)).toBe(true);
    expect(items.slice(1).every((i) => i.current === 0 && i.autocontinue === 1)).toBe(true);
  });

  it('ArduPilot: seq 0 is the home item, route items follow from seq 1', () => {
    const route = patrolRoute();
    route.home = { ...DOCK, altAmslM: 12.5 };
    const items = toMissionItems(route, { flavour: 'ardupilot' });
    expect(items).toHaveLength(5);
    expect(items[0]).toMatchObject({
      seq: 0,
      command: MavCmd.NavWaypoint,
      frame: MavFrame.Global,
      x: 302741000,
      y: 1201551000,
      z: 12.5,
    });
    expect(items.slice(1).map((i) => i.command)).toEqual([22, 16, 16, 20]);
    expect(items[2]!.seq).toBe(2);
  });

  it('the options home overrides the route home', () => {
    const items = toMissionItems(patrolRoute(), { flavour: 'px4', home: { lat: 31, lon: 121 } });
    expect(items[0]).toMatchObject({ x: 310000000, y: 1210000000 });
  });

  it('lat/lon are degrees * 1e7 rounded to the nearest integer', () => {
    const route: Route = {
      name: 'r',
      defaults: { altM: 30, speedMps: 8 },
      items: [{ type: 'waypoint', lat: -33.86785, lon: 151.20732, altM: 30 }],
    };
    const [wp] = toMissionItems(route, { flavour: 'px4' });
    expect(wp).toMatchObject({ x: -338678500, y: 1512073200 });
  });

  it('differs by flavour for gimbal pitch and DO_JUMP targets', () => {
    const route: Route = {
      name: 'r',
      defaults: { altM: 30, speedMps: 8 },
      items: [
        { type: 'takeoff', altM: 30, lat: 30.1, lon: 120.1 },
        { type: 'gimbal', pitchDeg: -90 },
        { type: 'waypoint', lat: 30.101, lon: 120.1, altM: 30 },
        { type: 'jump', toItem: 2, repeat: 3 },
      ],
    };
    const px4 = toMissionItems(route, { flavour: 'px4' });
    const ap = toMissionItems(route, { flavour: 'ardupilot' });
    expect(px4[1]).toMatchObject({
      command: MavCmd.DoGimbalManagerPitchYaw,
      param1: -90,
      frame: MavFrame.Mission,
    });
    expect(ap[2]).toMatchObject({ command: MavCmd.DoMountControl, param1: -90, z: 2 });
    // Both jump to the waypoint: seq 2 on PX4, seq 3 on ArduPilot (home at 0).
    expect(px4[3]).toMatchObject({ command: 177, param1: 2, param2: 3 });
    expect(ap[4]).toMatchObject({ command: 177, param1: 3, param2: 3 });
    expect(px4[px4[3]!.param1]!.command).toBe(MavCmd.NavWaypoint);
    expect(ap[ap[4]!.param1]!.command).toBe(MavCmd.NavWaypoint);
  });

  it('camera, speed and loiter items carry their parameters', () => {
    const route: Route = {
      name: 'r',
      defaults: { altM: 30, speedMps: 8 },
      items: [
        { type: 'speed', mps: 6 },
        { type: 'photo', distanceM: 25 },
        { type: 'photo', distanceM: 0 },
        { type: 'photo', intervalS: 2 },
        { type: 'photo', stop: true },
        { type: 'photo' },
        { type: 'video', action: 'start' },
        { type: 'loiter', lat: 30, lon: 120, altM: 50, timeS: 30, radiusM: 15 },
        { type: 'loiter', lat: 30, lon: 120, altM: 50, turns: 2 },
        { type: 'land' },
      ],
    };
    const items = toMissionItems(route, { flavour: 'px4' });
    expect(items[0]).toMatchObject({ command: 178, param1: 1, param2: 6, param3: -1 });
    expect(items[1]).toMatchObject({ command: 206, param1: 25, param3: 1 });
    expect(items[2]).toMatchObject({ command: 206, param1: 0, param3: 0 });
    expect(items[3]).toMatchObject({ command: 2000, param2: 2, param3: 0 });
    expect(items[4]).toMatchObject({ command: 2001 });
    expect(items[5]).toMatchObject({ command: 2000, param2: 0, param3: 1 });
    expect(items[6]).toMatchObject({ command: 2500 });
    expect(items[7]).toMatchObject({ command: 19, param1: 30, param3: 15, z: 50 });
    expect(items[8]).toMatchObject({ command: 18, param1: 2 });
    // A landing without a position comes down where the previous item left the vehicle.
    expect(items[9]).toMatchObject({ command: 21, x: 300000000, y: 1200000000, frame: 6 });
  });

  it('fills an unset take-off or landing position of a raw item instead of sending 0,0', () => {
    const route: Route = {
      name: 'r',
      home: { ...DOCK },
      defaults: { altM: 30, speedMps: 8 },
      items: [
        {
          type: 'mavlink',
          command: 22,
          frame: 3,
          params: [0, 0, 0, Number.NaN, Number.NaN, Number.NaN, 30],
          autoContinue: true,
        },
        {
          type: 'mavlink',
          command: 16,
          frame: 3,
          params: [0, 0, 0, Number.NaN, 30.28, 120.16, 30],
          autoContinue: true,
        },
        {
          type: 'mavlink',
          command: 21,
          frame: 3,
          params: [0, 0, 0, Number.NaN, Number.NaN, Number.NaN, 0],
          autoContinue: true,
        },
      ],
    };
    const items = toMissionItems(route, { flavour: 'px4' });
    expect(items[0]).toMatchObject({ x: 302741000, y: 1201551000 });
    expect(items[2]).toMatchObject({ x: 302800000, y: 1201600000 });
    const { home: _h, ...noHome } = route;
    expect(toMissionItems(noHome, { flavour: 'px4' })[0]).toMatchObject({ x: 0, y: 0 });
  });

  it('raw MAVLink items pass through 1:1 with NaN params kept', () => {
    const route: Route = {
      name: 'r',
      defaults: { altM: 30, speedMps: 8 },
      items: [
        {
          type: 'mavlink',
          command: 16,
          frame: 3,
          params: [0, 0, 0, Number.NaN, 30.5, 120.5, 42],
          autoContinue: false,
        },
      ],
    };
    const [it0] = toMissionItems(route, { flavour: 'px4' });
    expect(it0).toMatchObject({ command: 16, frame: 3, x: 305000000, y: 1205000000, z: 42, autocontinue: 0 });
    expect(Number.isNaN(it0!.param4)).toBe(true);
  });
});

describe('fromMissionItems', () => {
  it('turns a PX4 download back into the same route items', () => {
    const route = patrolRoute();
    route.items[0] = { type: 'takeoff', altM: 30, lat: DOCK.lat, lon: DOCK.lon };
    const back = fromMissionItems(toMissionItems(route, { flavour: 'px4' }), { flavour: 'px4' });
    expect(back.items).toEqual(route.items);
  });

  it('reads the ArduPilot home item as home and resolves jumps to route indices', () => {
    const route: Route = {
      name: 'r',
      home: { ...DOCK, altAmslM: 10 },
      defaults: { altM: 30, speedMps: 8 },
      items: [
        { type: 'takeoff', altM: 30, lat: DOCK.lat, lon: DOCK.lon },
        { type: 'waypoint', lat: 30.275, lon: 120.156, altM: 30 },
        { type: 'jump', toItem: 1, repeat: 2 },
        { type: 'speed', mps: 5, speedType: 'ground' },
        { type: 'photo', distanceM: 20 },
        { type: 'gimbal', pitchDeg: -45 },
        { type: 'land', lat: 30.2742, lon: 120.1552 },
      ],
    };
    const back = fromMissionItems(toMissionItems(route, { flavour: 'ardupilot' }), { flavour: 'ardupilot' });
    expect(back.home).toEqual(route.home);
    expect(back.items).toEqual(route.items);
  });

  it('keeps items it has no typed form for as raw items', () => {
    const items = toMissionItems(
      {
        name: 'r',
        defaults: { altM: 30, speedMps: 8 },
        items: [
          { type: 'mavlink', command: 183, frame: 2, params: [9, 1500, 0, 0, 0, 0, 0], autoContinue: true },
        ],
      },
      { flavour: 'px4' },
    );
    expect(fromMissionItems(items, { flavour: 'px4' }).items[0]).toEqual({
      type: 'mavlink',
      command: 183,
      frame: 2,
      params: [9, 1500, 0, 0, 0, 0, 0],
      autoContinue: true,
    });
  });
});

describe('missionChecksum', () => {
  it('is stable for equal missions and changes when an item changes', () => {
    const a = toMissionItems(patrolRoute(), { flavour: 'px4' });
    const b = toMissionItems(patrolRoute(), { flavour: 'px4' });
    expect(missionChecksum(a)).toBe(missionChecksum(b));
    expect(missionChecksum([...a].reverse())).toBe(missionChecksum(a));
    const moved = patrolRoute();
    (moved.items[1] as { lat: number }).lat += 1e-6;
    expect(missionChecksum(toMissionItems(moved, { flavour: 'px4' }))).not.toBe(missionChecksum(a));
    expect(missionChecksum(a)).toBeGreaterThanOrEqual(0);
    expect(missionChecksum(a)).toBeLessThan(2 ** 32);
  });
});
