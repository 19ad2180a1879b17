import {
  MavlinkCamera,
  type MavlinkCameraOptions,
  quaternionFromEuler,
  VideoStreamEncoding,
  VideoStreamType,
} from '@aerie/hardware';
import { common } from 'node-mavlink';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CAMERA_QUIRKS,
  cameraDiscoveryStep,
  discoverCamera,
  eulerDegFromQuaternion,
  imageFromMessage,
  initialCameraDiscoveryState,
  isCameraHeartbeat,
  MAV_CMD_REQUEST_CAMERA_INFORMATION,
} from './camera.ts';
import { runCommand } from './command.ts';
import { MAV_CMD_REQUEST_MESSAGE } from './intervals.ts';
import { simPerTest } from './testing/sim-per-test.ts';

const target = { sysid: 1, compid: 100 };
const MJPEG = 'http://127.0.0.1:8554/camera/1.mjpeg';

function cameraOptions(over: Partial<MavlinkCameraOptions> = {}): MavlinkCameraOptions {
  return {
    stream: { uri: MJPEG, type: VideoStreamType.TCP_MPEG, encoding: VideoStreamEncoding.UNKNOWN },
    lens: { hfovDeg: 70, width: 1280, height: 720 },
    fps: 10,
    captureStill: async (i) => `http://127.0.0.1:8554/camera/1/stills/${i}.jpg`,
    ...over,
  };
}

const toCamera = (m: common.CommandLong) => m.targetComponent === 100;

describe('camera discovery against the simulated camera component (PX4 aircraft)', () => {
  const sim = simPerTest(30_000);
  let camera: MavlinkCamera | undefined;
  afterEach(async () => {
    await camera?.close();
    camera = undefined;
  });
  const setup = async (over: Partial<MavlinkCameraOptions> = {}) => {
    const p = await sim.open({ flavour: 'px4' });
    camera = new MavlinkCamera(p.vehicle, cameraOptions(over));
    return p;
  };

  it('tells camera heartbeats from others by type or component id', () => {
    expect(isCameraHeartbeat(100, 0)).toBe(true);
    expect(isCameraHeartbeat(105, 18)).toBe(true);
    expect(isCameraHeartbeat(154, 30)).toBe(true);
    expect(isCameraHeartbeat(1, 2)).toBe(false);
    expect(isCameraHeartbeat(106, 18)).toBe(false);
  });

  it('reads CAMERA_INFORMATION and the announced stream with MAV_CMD_REQUEST_MESSAGE', async () => {
    const p = await setup();
    const r = await sim.settle(discoverCamera(p.port, { target }), 2000);
    expect(r.ok ? r.value : r.error).toEqual({
      compid: 100,
      vendor: 'Aerie',
      model: 'Simulated nadir camera',
      widthPx: 1280,
      heightPx: 720,
      streams: [
        {
          streamId: 1,
          name: 'live',
          uri: MJPEG,
          type: 'tcp_mpeg',
          encoding: 'unknown',
          widthPx: 1280,
          heightPx: 720,
          fps: 10,
          hfovDeg: 70,
          bitrateKbps: 0,
        },
      ],
    });
    const asked = p.sent(common.CommandLong).filter(toCamera);
    expect(asked.map((c) => [c.command, c._param1, c._param2])).toEqual([
      [MAV_CMD_REQUEST_MESSAGE, 259, 0],
      [MAV_CMD_REQUEST_MESSAGE, 269, 0],
    ]);
    // The autopilot (component 1) answered none of it.
    expect(
      p.link.messages('down', common.CommandAck).every((a) => a.command === MAV_CMD_REQUEST_MESSAGE),
    ).toBe(true);
  });

  it('a camera that never answers: the request is resent, then discovery ends with Timeout', async () => {
    const p = await setup();
    p.link.faults.drop('up', common.CommandLong, { where: toCamera });
    const r = await sim.settle(discoverCamera(p.port, { target, timeoutMs: 1000, retries: 2 }), 10_000);
    expect(r.ok ? undefined : r.error.code).toBe('Timeout');
    const asked = p.sent(common.CommandLong).filter(toCamera);
    expect(asked.map((c) => c.confirmation)).toEqual([0, 1, 2]);
    expect(asked.every((c) => c._param1 === 259)).toBe(true);
  });

  it('a camera that answers late: the late stream message counts, whichever request it answers', async () => {
    const p = await setup();
    // The first stream information comes 2.5 s late, after its request timed out and was repeated.
    p.link.faults.delay('down', common.VideoStreamInformation, 2500, { first: 1 });
    p.link.faults.drop('down', common.VideoStreamInformation, { nth: 2 });
    const r = await sim.settle(discoverCamera(p.port, { target, messageTimeoutMs: 1500 }), 6000);
    expect(r.ok ? r.value.streams.map((s) => s.uri) : r.error).toEqual([MJPEG]);
    const streamRequests = p.sent(common.CommandLong).filter((c) => toCamera(c) && c._param1 === 269);
    expect(streamRequests.length).toBe(2);
  });

  it('falls back to MAV_CMD_REQUEST_CAMERA_INFORMATION when REQUEST_MESSAGE is UNSUPPORTED (quirk)', async () => {
    const p = await setup();
    expect(CAMERA_QUIRKS[0]?.handling).toMatch(/521/);
    p.link.faults.rewrite(
      'down',
      common.CommandAck,
      (a) => {
        const n = new common.CommandAck();
        Object.assign(n, a, { result: 3 });
        return [n];
      },
      { first: 1 },
    );
    p.link.faults.drop('down', common.CameraInformation, { first: 1 });
    const r = await sim.settle(discoverCamera(p.port, { target }), 4000);
    expect(r.ok ? r.value.streams.length : r.error).toBe(1);
    const commands = p
      .sent(common.CommandLong)
      .filter(toCamera)
      .map((c) => c.command as number);
    expect(commands.slice(0, 2)).toEqual([MAV_CMD_REQUEST_MESSAGE, MAV_CMD_REQUEST_CAMERA_INFORMATION]);
  });

  it('a photo-only camera (no HAS_VIDEO_STREAM flag) is not asked for streams', async () => {
    const p = await setup({ stream: null });
    const r = await sim.settle(discoverCamera(p.port, { target }), 2000);
    expect(r.ok ? r.value.streams : r.error).toEqual([]);
    expect(p.sent(common.CommandLong).filter((c) => toCamera(c) && c._param1 === 269)).toEqual([]);
  });

  it('takes a still on MAV_CMD_IMAGE_START_CAPTURE and reports its pose and URL', async () => {
    const p = await setup();
    const images: common.CameraImageCaptured[] = [];
    p.port.subscribe((i) => {
      if (i.msgid === common.CameraImageCaptured.MSG_ID && i.compid === 100)
        images.push(i.message as common.CameraImageCaptured);
    });
    const ack = await sim.settle(
      runCommand(p.port, { target, command: 2000, param2: 0, param3: 1, param4: 0 }),
      1000,
    );
    expect(ack.ok).toBe(true);
    expect(images.length).toBe(1);
    const img = imageFromMessage(100, images[0]!, 0);
    const pos = p.vehicle.position;
    expect(img).toMatchObject({ compid: 100, imageIndex: 0, ok: true });
    expect(img.fileUrl).toBe('http://127.0.0.1:8554/camera/1/stills/0.jpg');
    expect(img.lat).toBeCloseTo(pos.lat, 6);
    expect(img.lon).toBeCloseTo(pos.lon, 6);
    expect(img.altMslM).toBeCloseTo(pos.altAmslM, 2);
    expect(img.yawDeg).toBeCloseTo((p.vehicle.attitudeDeg.yawDeg + 360) % 360, 1);
    expect(img.capturedAtMs).toBeGreaterThan(0);
  });

  it('takes a timed series (param3 images every param2 s) and stops it on MAV_CMD_IMAGE_STOP_CAPTURE', async () => {
    const p = await setup();
    const indexes: number[] = [];
    p.port.subscribe((i) => {
      if (i.msgid === common.CameraImageCaptured.MSG_ID && i.compid === 100)
        indexes.push((i.message as common.CameraImageCaptured).imageIndex);
    });
    // A series needs an interval.
    const bad = await sim.settle(runCommand(p.port, { target, command: 2000, param2: 0, param3: 0 }), 1000);
    expect(bad.ok ? undefined : bad.error.code).toBe('Denied');
    // Three images, 1 s apart, the first at once.
    const three = await sim.settle(runCommand(p.port, { target, command: 2000, param2: 1, param3: 3 }), 5000);
    expect(three.ok).toBe(true);
    expect(indexes).toEqual([0, 1, 2]);
    // Until stopped: about one a second, none after the stop.
    const open = runCommand(p.port, { target, command: 2000, param2: 1, param3: 0 });
    expect((await sim.settle(open, 2500)).ok).toBe(true);
    const stop = await sim.settle(runCommand(p.port, { target, command: 2001 }), 500);
    expect(stop.ok).toBe(true);
    const afterStop = indexes.length;
    expect(afterStop).toBeGreaterThanOrEqual(5);
    await sim.settle(Promise.resolve(), 3000);
    expect(indexes.length).toBe(afterStop);
    expect(camera?.capturing).toBe(false);
  });
});

describe('camera discovery steps', () => {
  it('ends at once with Cancelled', () => {
    const s = initialCameraDiscoveryState({ target });
    const out = cameraDiscoveryStep(s, { kind: 'cancel', now: 0 });
    expect(out.effects.at(-1)).toMatchObject({
      kind: 'done',
      result: { ok: false, error: { code: 'Cancelled' } },
    });
  });

  it('turns quaternions back into Euler angles', () => {
    const h = Math.SQRT1_2;
    expect(eulerDegFromQuaternion([h, 0, 0, h])).toEqual({ rollDeg: 0, pitchDeg: 0, yawDeg: 90 });
    expect(eulerDegFromQuaternion([1, 0, 0, 0])).toEqual({ rollDeg: 0, pitchDeg: 0, yawDeg: 0 });
  });

  it('keeps the heading of a camera looking straight down (yaw and roll on one axis)', () => {
    for (const yawDeg of [0, 37, 200, 300]) {
      const q = quaternionFromEuler(0, -Math.PI / 2, (yawDeg * Math.PI) / 180);
      // As MAVLink carries it: float32.
      const e = eulerDegFromQuaternion(Array.from(new Float32Array(q)));
      expect(e.pitchDeg).toBeCloseTo(-90, 1);
      expect(e.rollDeg).toBe(0);
      expect(e.yawDeg).toBeCloseTo(yawDeg, 1);
    }
    // Just off the vertical, the usual decomposition.
    const q = quaternionFromEuler(0.1, (-80 * Math.PI) / 180, 1);
    const e = eulerDegFromQuaternion(q);
    expect([e.rollDeg, e.pitchDeg, e.yawDeg].map((d) => Math.round(d * 100) / 100)).toEqual([
      5.73, -80, 57.3,
    ]);
  });
});
