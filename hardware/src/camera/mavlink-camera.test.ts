import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { commandLong, until } from '../sim/testing/ground-station.ts';
import { vehicleWithGcs } from '../sim/testing/vehicle-gcs.ts';
import { MavlinkCamera } from './mavlink-camera.ts';

describe('the simulated MAVLink camera on a fast simulated clock', () => {
  it("takes a timed series every param2 seconds of the aircraft's simulated time", async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 20, settleS: 0 });
    const camera = new MavlinkCamera(v, {
      stream: null,
      lens: { hfovDeg: 70, width: 1280, height: 720 },
      fps: 1,
      captureStill: async (i) => `http://127.0.0.1:1/stills/${i}.jpg`,
    });
    try {
      const shots: { simMs: number; realMs: number }[] = [];
      gcs.onMessage((r) => {
        if (r.message instanceof common.CameraImageCaptured && r.compid === 100)
          shots.push({ simMs: r.message.timeBootMs, realMs: performance.now() });
      });
      const start = performance.now();
      // Five images, 4 s apart: 16 simulated seconds, 0.8 real seconds at a speedup of 20.
      const series = commandLong(2000, [0, 4, 5]) as common.CommandLong;
      series.targetComponent = 100;
      gcs.send(series);
      await until(() => shots.length === 5, 6000, 'five images');
      const gaps = shots.slice(1).map((s, i) => s.simMs - shots[i]!.simMs);
      // A tick covers 0.2 simulated seconds here (up to 0.5 when the machine is slow): each shot
      // falls in the first tick at or after its due time, and the schedule does not drift.
      for (const g of gaps) {
        expect(g).toBeGreaterThanOrEqual(3000);
        expect(g).toBeLessThanOrEqual(5000);
      }
      expect(Math.abs(shots[4]!.simMs - shots[0]!.simMs - 16_000)).toBeLessThanOrEqual(1000);
      // On the real-time clock it would have taken 16 s.
      expect(shots.at(-1)!.realMs - start).toBeLessThan(6000);
      expect(camera.capturing).toBe(false);
    } finally {
      await camera.close();
    }
  }, 20_000);
});
