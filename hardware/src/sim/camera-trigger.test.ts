import { toMissionItems, withCaptureItems } from '@aerie/missions';
import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { MavlinkCamera } from '../camera/mavlink-camera.ts';
import { CameraTrigger, type ComponentCommand } from './camera-trigger.ts';
import { offsetLatLon } from './geo.ts';
import { command, until, uploadMission } from './testing/ground-station.ts';
import { vehicleWithGcs } from './testing/vehicle-gcs.ts';

const HOME = { lat: 23.03, lon: 113.14 };

function recorder() {
  const commands: ComponentCommand[] = [];
  const triggers: number[] = [];
  const trigger = new CameraTrigger({ command: (c) => commands.push(c), triggered: (s) => triggers.push(s) });
  return { trigger, commands, triggers };
}

/** Positions every `stepM` metres north of home. */
const north = (m: number) => offsetLatLon(HOME.lat, HOME.lon, m, 0);

describe('camera trigger (PX4 camera_trigger, MAVLink interface, distance mode)', () => {
  it('shoots once at once, then every `distance` metres flown, commanding IMAGE_START_CAPTURE to component 100', () => {
    const { trigger, commands, triggers } = recorder();
    expect(trigger.missionItem(206, [20, 0, 1, 0, 0, 0, 0])).toBe(true);
    expect(triggers).toEqual([1]);
    for (let m = 0; m <= 70; m += 5) trigger.update(...north(m));
    // At 0 m the count starts; shots at 20, 40, 60 m.
    expect(triggers).toEqual([1, 2, 3, 4]);
    expect(commands[1]).toMatchObject({ targetComponent: 100, command: 2000 });
    expect(commands[1]!.params.slice(0, 4)).toEqual([0, 0, 1, 2]);
    // Paused (0): no shots; resumed: counts from where it resumed.
    trigger.missionItem(206, [0, 0, 0, 0, 0, 0, 0]);
    for (let m = 70; m <= 200; m += 5) trigger.update(...north(m));
    expect(trigger.count).toBe(4);
    trigger.setDistance(50, 0);
    for (let m = 200; m <= 260; m += 5) trigger.update(...north(m));
    expect(trigger.count).toBe(5);
    // Off (-1).
    trigger.setDistance(-1, 0);
    expect(trigger.active).toBe(false);
  });

  it('hands mission capture items on to the camera as PX4 navigator does', () => {
    const { trigger, commands } = recorder();
    // One image: a one-shot of the trigger (with its sequence number).
    trigger.missionItem(2000, [0, 0, 1, 0, 0, 0, 0]);
    expect(commands[0]!.params.slice(0, 4)).toEqual([0, 0, 1, 1]);
    // A series goes as it is; param1 names another camera component.
    trigger.missionItem(2000, [0, 5, 0, 0, 0, 0, 0]);
    trigger.missionItem(2000, [101, 5, 0, 0, 0, 0, 0]);
    trigger.missionItem(2001, [0, 0, 0, 0, 0, 0, 0]);
    expect(commands.slice(1).map((c) => [c.targetComponent, c.command, c.params[1]])).toEqual([
      [100, 2000, 5],
      [101, 2000, 5],
      [100, 2001, 0],
    ]);
    expect(trigger.missionItem(16, [0, 0, 0, 0, 0, 0, 0])).toBe(false);
  });
});

describe('a patrol with a capture setting, flown by the simulated autopilot', () => {
  it('the autopilot commands its camera component every 40 m and the camera reports each still with its pose', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 40, settleS: 0 });
    const stills: number[] = [];
    const camera = new MavlinkCamera(v, {
      stream: null,
      lens: { hfovDeg: 70, width: 1280, height: 720 },
      fps: 1,
      captureStill: async (i) => {
        stills.push(i);
        return `http://127.0.0.1:1/stills/${i}.jpg`;
      },
    });
    try {
      const [lat1, lon1] = north(150);
      const route = withCaptureItems({
        name: 'river',
        home: { ...HOME },
        defaults: { altM: 30, speedMps: 8 },
        items: [
          { type: 'takeoff', altM: 30 },
          { type: 'waypoint', lat: lat1, lon: lon1, altM: 30 },
          { type: 'rtl' },
        ],
        capture: { distanceM: 40 },
      });
      const items = toMissionItems(route, { flavour: 'px4' }).map((it) =>
        Object.assign(new common.MissionItemInt(), it, { targetSystem: 1, targetComponent: 1 }),
      );
      expect((await uploadMission(gcs, items)).type).toBe(0);
      const toCamera: common.CommandLong[] = [];
      const captured: common.CameraImageCaptured[] = [];
      const triggers: common.CameraTrigger[] = [];
      gcs.onMessage((r) => {
        const m = r.message;
        if (m instanceof common.CommandLong && m.targetComponent === 100) toCamera.push(m);
        if (m instanceof common.CameraImageCaptured && r.compid === 100) captured.push(m);
        if (m instanceof common.CameraTrigger) triggers.push(m);
      });
      expect(await command(gcs, 400, [1])).toBe(0);
      expect(await command(gcs, 300, [0, 0])).toBe(0);
      await until(() => v.mode.name === 'AUTO.RTL', 20_000, 'the patrol flown to its RTL item');
      await until(() => captured.length === v.cameraTriggerCount, 2000, 'every still reported');
      // Out 150 m with a shot at the start and every 40 m: 4 or 5 (the last as it reaches the point);
      // none on the way back (the trigger stopped before RTL).
      expect(v.cameraTriggerCount).toBeGreaterThanOrEqual(4);
      expect(v.cameraTriggerCount).toBeLessThanOrEqual(5);
      const n = v.cameraTriggerCount;
      await until(() => v.position.lat < HOME.lat + 0.0005, 20_000, 'most of the way home');
      expect(v.cameraTriggerCount).toBe(n);
      // On the wire as PX4 sends it: COMMAND_LONG from the autopilot to the camera, CAMERA_TRIGGER.
      expect(toCamera.map((c) => [c.command, c._param3, c._param4])).toEqual(
        Array.from({ length: n }, (_, i) => [2000, 1, i + 1]),
      );
      expect(triggers.map((t) => t.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(stills).toEqual(Array.from({ length: n }, (_, i) => i));
      // Each still with the pose at its shot: along the line north, at altitude after the first.
      const lats = captured.map((c) => c.lat / 1e7);
      expect(lats).toEqual([...lats].sort((a, b) => a - b));
      for (const c of captured.slice(1)) {
        expect(c.relativeAlt / 1000).toBeGreaterThan(25);
        expect(Number(c.captureResult)).toBe(1);
      }
      const gaps = lats.slice(2).map((lat, i) => (lat - lats[i + 1]!) * 111_000);
      for (const g of gaps) expect(g).toBeGreaterThan(38);
    } finally {
      await camera.close();
    }
  }, 60_000);
});
