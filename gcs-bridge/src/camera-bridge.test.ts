/**
 * Cameras in the bridge over real UDP: a simulated aircraft with camera components on its link.
 * The bridge discovers a camera from its heartbeat and reports its streams once; a camera that
 * never answers is reported nowhere and asked again after `cameraRetryMs`; stills come out as
 * 'camera.image' with the pose of the shot.
 */
import { MavlinkCamera, VideoStreamEncoding, VideoStreamType } from '@aerie/hardware';
import { MavLinkProtocolV2, minimal } from 'node-mavlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { CameraImagePayload, CameraStreamsPayload } from './channel/events.ts';
import { openSimSite, type SimSite } from './testing/sim-site.ts';
import { sleep, waitFor } from './testing/wait.ts';

let site: SimSite | undefined;
let camera: MavlinkCamera | undefined;
afterEach(async () => {
  await camera?.close();
  await site?.close();
  camera = undefined;
  site = undefined;
});

/** A component that beats as a camera (id 100) and answers nothing; counts what it is asked. */
function silentCamera(s: SimSite) {
  const aircraft = s.fleet.vehicles[0]!;
  const protocol = new MavLinkProtocolV2(aircraft.sysid, 100);
  const asked: number[] = [];
  const link = aircraft.shareLink((buf) => {
    // COMMAND_LONG (76) addressed to component 100 (target_component: payload byte 31).
    if (buf[0] === 0xfd && buf[7] === 76 && buf[8] === 0 && buf[9] === 0 && buf[10 + 31] === 100)
      asked.push(Date.now());
  });
  const beat = setInterval(() => {
    const hb = new minimal.Heartbeat();
    hb.type = 30 as minimal.MavType;
    hb.autopilot = 8 as minimal.MavAutopilot;
    hb.baseMode = 0 as minimal.MavModeFlag;
    hb.systemStatus = 4 as minimal.MavState;
    hb.mavlinkVersion = 3;
    link.write(protocol.serialize(hb, 0));
  }, 200);
  return {
    asked,
    stop() {
      clearInterval(beat);
      link.detach();
    },
  };
}

describe('cameras through the bridge', () => {
  it('a camera that never answers is not reported and is asked again after cameraRetryMs', async () => {
    site = await openSimSite(
      { vehicles: 1 },
      { cameraDiscovery: { timeoutMs: 300, retries: 1 }, cameraRetryMs: 4000 },
    );
    const bridge = site.running.bridge;
    const streams: CameraStreamsPayload[] = [];
    bridge.on('camera.streams', (_sysid, c) => streams.push(c));
    await bridge.waitForVehicle(1, 10_000);
    const silent = silentCamera(site);
    try {
      // One discovery: CAMERA_INFORMATION asked twice (a send and a resend), then it gives up.
      await waitFor(() => silent.asked.length >= 2 || null, 10_000, 'discovery requests to the camera');
      await sleep(1500);
      expect(silent.asked.length).toBe(2);
      expect(streams).toEqual([]);
      expect(bridge.cameras()).toEqual([]);
      // The next heartbeat after cameraRetryMs starts a new discovery.
      await waitFor(() => silent.asked.length >= 4 || null, 10_000, 'a second discovery');
      expect(silent.asked[2]! - silent.asked[0]!).toBeGreaterThanOrEqual(4000);
    } finally {
      silent.stop();
    }
  }, 40_000);

  it("reports a camera's streams once, and its stills with their pose", async () => {
    site = await openSimSite({ vehicles: 1 });
    const bridge = site.running.bridge;
    const streams: Array<[number, CameraStreamsPayload]> = [];
    const images: CameraImagePayload[] = [];
    bridge.on('camera.streams', (sysid, c) => streams.push([sysid, c]));
    bridge.on('camera.image', (_sysid, i) => images.push(i));
    const vehicle = await bridge.waitForVehicle(1, 10_000);
    const aircraft = site.fleet.vehicles[0]!;
    camera = new MavlinkCamera(aircraft, {
      compid: 101,
      stream: {
        uri: 'rtsp://127.0.0.1:8554/cam1',
        type: VideoStreamType.RTSP,
        encoding: VideoStreamEncoding.H264,
      },
      lens: { hfovDeg: 84, width: 1920, height: 1080 },
      fps: 25,
      captureStill: async (i) => `http://127.0.0.1:1/stills/${i}.jpg`,
    });
    await waitFor(() => streams.length > 0 || null, 15_000, 'the camera streams');
    expect(streams[0]![0]).toBe(1);
    expect(streams[0]![1].streams).toMatchObject([
      {
        uri: 'rtsp://127.0.0.1:8554/cam1',
        type: 'rtsp',
        encoding: 'h264',
        widthPx: 1920,
        fps: 25,
        hfovDeg: 84,
      },
    ]);
    expect(bridge.cameras()).toEqual([{ sysid: 1, camera: streams[0]![1] }]);
    // More heartbeats do not discover it again.
    await sleep(2500);
    expect(streams.length).toBe(1);

    const { runCommand } = await import('./protocols/command.ts');
    const ack = await runCommand(vehicle!.port, {
      target: { sysid: 1, compid: 101 },
      command: 2000,
      param3: 1,
    });
    expect(ack.ok).toBe(true);
    await waitFor(() => images[0] ?? null, 5000, 'CAMERA_IMAGE_CAPTURED');
    expect(images[0]).toMatchObject({
      compid: 101,
      imageIndex: 0,
      ok: true,
      fileUrl: 'http://127.0.0.1:1/stills/0.jpg',
    });
    expect(images[0]!.lat).toBeCloseTo(aircraft.position.lat, 6);
  }, 60_000);

  it('keeps the gimbal the aircraft reports (GIMBAL_DEVICE_ATTITUDE_STATUS) in its state, and follows a gimbal command', async () => {
    site = await openSimSite({ vehicles: 1 });
    const bridge = site.running.bridge;
    const vehicle = await bridge.waitForVehicle(1, 10_000);
    const gimbal = () => bridge.vehicles().find((v) => v.sysid === 1)?.gimbal ?? null;
    // Straight down until commanded; yaw reported from north (the aircraft's heading).
    await waitFor(gimbal, 5000, 'a gimbal status');
    // (float32 on the wire: -90 comes back within a few hundredths.)
    expect(gimbal()!.yawFrame).toBe('earth');
    expect(gimbal()!.pitchDeg).toBeCloseTo(-90, 1);
    const { runCommand } = await import('./protocols/command.ts');
    const nan = Number.NaN;
    const ack = await runCommand(vehicle!.port, {
      target: { sysid: 1, compid: 1 },
      command: 1000,
      param1: -30,
      param2: nan,
      param3: nan,
      param4: nan,
    });
    expect(ack.ok).toBe(true);
    await waitFor(
      () => (Math.abs((gimbal()?.pitchDeg ?? 0) + 30) < 0.05 ? true : null),
      5000,
      'the gimbal at -30',
    );
    expect(gimbal()!.rollDeg).toBeCloseTo(0, 1);
  }, 30_000);
});
