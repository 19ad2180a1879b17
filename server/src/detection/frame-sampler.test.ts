import { type Frame, sampleVehicleState } from '@aerie/contracts';
import { mulMat, rotationZYX } from '@aerie/missions';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStateStore } from '../live/live-state-store.ts';
import {
  FrameSampler,
  type FrameSamplerOptions,
  gimbalForPose,
  sampleOf,
  shouldSample,
  stillUrlFromTemplate,
} from './frame-sampler.ts';
import { PoseBuffer } from './pose-at.ts';

const GIMBAL = { pitchDeg: -90, yawDeg: 0, rollDeg: 0 };
const LENS = { hfovDeg: 70, width: 1280, height: 720 };

/** A sampler at 1 fps with the test gimbal and lens over `live`. */
function samplerOn(
  live: LiveStateStore,
  opts: Omit<FrameSamplerOptions, 'liveState' | 'poses' | 'gimbal' | 'camera'>,
): FrameSampler {
  return new FrameSampler({
    liveState: live,
    poses: new PoseBuffer(),
    fps: 1,
    gimbal: GIMBAL,
    camera: LENS,
    ...opts,
  });
}

describe('frame sampler rules', () => {
  it('samples flying vehicles (armed, not landed), or every online one', () => {
    const flying = {
      online: true,
      updatedAtMs: 1,
      state: sampleVehicleState({ armed: true, landed: false }),
    };
    const parked = {
      online: true,
      updatedAtMs: 1,
      state: sampleVehicleState({ armed: false, landed: true }),
    };
    const gone = { ...flying, online: false };
    expect(shouldSample(flying, 'flying')).toBe(true);
    expect(shouldSample(parked, 'flying')).toBe(false);
    expect(shouldSample(parked, 'online')).toBe(true);
    expect(shouldSample(gone, 'online')).toBe(false);
  });

  it('takes the pose sample from a state only when all of it is reported', () => {
    const s = sampleVehicleState({ updatedAtMs: 5000, lat: 30.1, yawDeg: 12 });
    expect(sampleOf({ online: true, updatedAtMs: 6000, state: s })).toMatchObject({
      atMs: 5000,
      lat: 30.1,
      yawDeg: 12,
    });
    expect(sampleOf({ online: true, updatedAtMs: 6000, state: { ...s, rollDeg: null } })).toBeNull();
    expect(sampleOf({ online: true, updatedAtMs: 6000, state: { ...s, updatedAtMs: 0 } })?.atMs).toBe(6000);
  });

  it("turns the simulated camera's stream URL into its still URL", () => {
    expect(stillUrlFromTemplate('http://h:1/camera/{sysid}.mjpeg', 4)).toBe('http://h:1/camera/4.jpg');
    expect(stillUrlFromTemplate('http://h:1/cam/{sysid}.jpg', 4)).toBe('http://h:1/cam/4.jpg');
    expect(stillUrlFromTemplate('rtsp://h/{sysid}', 4)).toBeNull();
    expect(stillUrlFromTemplate('', 4)).toBeNull();
  });
});

describe('FrameSampler', () => {
  let sampler: FrameSampler | undefined;
  afterEach(() => sampler?.stop());

  it('tags a still with the pose at its capture time, waiting for the telemetry sample after it', async () => {
    const live = new LiveStateStore();
    const state = (atMs: number, lat: number) =>
      sampleVehicleState({ sysid: 3, armed: true, landed: false, lat, updatedAtMs: atMs });
    const frames: { capturedAtMs: number; lat: number }[] = [];
    const urls: string[] = [];
    let got!: () => void;
    const done = new Promise<void>((r) => {
      got = r;
    });
    live.update('v3', state(1000, 30));
    sampler = new FrameSampler({
      liveState: live,
      poses: new PoseBuffer(),
      stillUrl: (_id, sysid) => `http://cam/${sysid}.jpg`,
      fps: 1,
      gimbal: GIMBAL,
      camera: LENS,
      poseWaitMs: 5000,
      sortieOf: (id) => (id === 'v3' ? 'sortie-9' : null),
      fetchStill: async (url) => {
        urls.push(url);
        // Captured between the sample we have and the next one, which comes after the still.
        setTimeout(() => live.update('v3', state(1100, 30.0001)), 10);
        return { bytes: new Uint8Array([0xff, 0xd8, 0xff]), capturedAtMs: 1025 };
      },
      onFrame: (f) => {
        frames.push({ capturedAtMs: f.capturedAtMs, lat: f.pose.lat });
        expect(f.gimbal).toEqual(GIMBAL);
        expect(f.camera).toEqual(LENS);
        expect(f.sortieId).toBe('sortie-9');
        got();
      },
    });
    await done;
    expect(urls[0]).toBe('http://cam/3.jpg');
    expect(frames[0]!.capturedAtMs).toBe(1025);
    expect(frames[0]!.lat).toBeCloseTo(30.000025, 10);
    expect(sampler.stats).toMatchObject({ fetched: 1, sampled: 1, noPose: 0 });
    expect(sampler.active()).toEqual(['v3']);
    live.update('v3', { ...state(1200, 30), landed: true, armed: false });
    expect(sampler.active()).toEqual([]);
  });

  it('drops and counts a frame whose pose cannot be placed (no telemetry after it in time)', async () => {
    const live = new LiveStateStore();
    live.update('v1', sampleVehicleState({ armed: true, landed: false, updatedAtMs: 1000 }));
    let fetched!: () => void;
    const once = new Promise<void>((r) => {
      fetched = r;
    });
    sampler = samplerOn(live, {
      stillUrl: () => 'http://cam/1.jpg',
      poseWaitMs: 20,
      fetchStill: async () => ({ bytes: new Uint8Array([1]), capturedAtMs: 5000 }),
      onFrame: () => {
        throw new Error('no frame without a pose');
      },
    });
    const s = sampler;
    const timer = setInterval(() => {
      if (s.stats.noPose > 0) fetched();
    }, 5);
    await once;
    clearInterval(timer);
    expect(s.stats.sampled).toBe(0);
  });

  it('tags a still with the gimbal the vehicle reports, turned body-relative against the pose', async () => {
    const live = new LiveStateStore();
    const gimbal = { pitchDeg: -40, rollDeg: 0, yawDeg: 0, yawFrame: 'vehicle' as const, atMs: 900 };
    const state = (atMs: number) =>
      sampleVehicleState({
        sysid: 2,
        armed: true,
        landed: false,
        rollDeg: 0,
        pitchDeg: 0,
        yawDeg: 75,
        updatedAtMs: atMs,
        gimbal,
      });
    live.update('v2', state(1000));
    const got = new Promise<Frame>((resolve) => {
      sampler = samplerOn(live, {
        stillUrl: () => 'http://cam/2.jpg',
        fetchStill: async () => {
          setTimeout(() => live.update('v2', state(1100)), 10);
          return { bytes: new Uint8Array([0xff, 0xd8, 0xff]), capturedAtMs: 1050 };
        },
        onFrame: resolve,
      });
    });
    const f = await got;
    // A level vehicle: the body-relative gimbal is the reported one.
    expect(f.gimbal.pitchDeg).toBeCloseTo(-40, 9);
    expect(f.gimbal.yawDeg).toBeCloseTo(0, 9);
    expect(f.gimbal.rollDeg).toBeCloseTo(0, 9);
  });
});

describe('the gimbal of a frame', () => {
  const matrix = (a: { yawDeg: number; pitchDeg: number; rollDeg: number }) =>
    rotationZYX(a.yawDeg, a.pitchDeg, a.rollDeg);
  const banked = { rollDeg: 12, pitchDeg: -6, yawDeg: 300 };

  it('composes with the pose to the reported attitude: earth-frame yaw as it is, vehicle-frame yaw from the heading', () => {
    const cases = [
      [
        { pitchDeg: -40, rollDeg: 0, yawDeg: 250, yawFrame: 'earth' as const, atMs: 0 },
        { yawDeg: 250, pitchDeg: -40, rollDeg: 0 },
      ],
      [
        { pitchDeg: -90, rollDeg: 0, yawDeg: 20, yawFrame: 'vehicle' as const, atMs: 0 },
        { yawDeg: 320, pitchDeg: -90, rollDeg: 0 },
      ],
    ] as const;
    for (const [reported, camera] of cases) {
      const g = gimbalForPose(banked, reported, GIMBAL);
      const composed = mulMat(matrix(banked), matrix(g));
      const want = matrix(camera);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) expect(composed[i]![j]!).toBeCloseTo(want[i]![j]!, 9);
    }
  });

  it('is the configured gimbal when the vehicle reports none', () => {
    expect(gimbalForPose(banked, null, GIMBAL)).toEqual(GIMBAL);
    expect(gimbalForPose(banked, undefined, GIMBAL)).toEqual(GIMBAL);
  });
});
