import type { Frame } from '@aerie/contracts';
import { describe, expect, it } from 'vitest';
import { FrameSampler } from './frame-sampler.ts';
import { PoseTrack } from './pose-track.ts';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);

describe('frames to detection', () => {
  it('hands on 2 frames a second of a 12 fps stream, each with the pose at its capture time', () => {
    const track = new PoseTrack();
    // telemetry at 5 Hz: flying east 10 m/s
    for (let i = 0; i <= 25; i++)
      track.add({
        atMs: 10_000 + i * 200,
        lat: 23.03,
        lon: 113.14 + (i * 2) / 102_300,
        altMslM: 40,
        altRelM: 30,
        rollDeg: 0,
        pitchDeg: 0,
        yawDeg: 90,
      });
    const out: Frame[] = [];
    const s = new FrameSampler({
      vehicleId: 'v1',
      camera: { hfovDeg: 70, width: 1280, height: 720 },
      gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
      poseAt: (t) => track.at(t),
      sink: (f) => out.push(f),
    });
    for (let k = 0; k < 48; k++) s.offer(JPEG, 10_000 + k * (1000 / 12));
    expect(out.length).toBe(8); // 4 s at 2 fps
    for (const f of out) {
      const expectedLon = 113.14 + (10 * (f.capturedAtMs - 10_000)) / 1000 / 102_300;
      expect(Math.abs(f.pose.lon - expectedLon) * 102_300).toBeLessThan(0.01);
    }
    expect(out[1]!.capturedAtMs - out[0]!.capturedAtMs).toBe(500);
  });

  it('drops frames whose pose cannot be placed in time instead of guessing', () => {
    const out: Frame[] = [];
    const s = new FrameSampler({
      vehicleId: 'v1',
      camera: { hfovDeg: 70, width: 1280, height: 720 },
      gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
      poseAt: () => ({ ok: false, reason: 'gap' }),
      sink: (f) => out.push(f),
    });
    expect(s.offer(JPEG, 1000)).toBe(false);
    expect(out).toEqual([]);
    expect(s.counts.noPose).toBe(1);
    expect(() => new FrameSampler({ fps: 0 } as never)).toThrow(/fps must be/);
  });
});
