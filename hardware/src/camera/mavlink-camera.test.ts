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

  it('acknowledges a resent single shot (same capture sequence number) without a second image', async () => {
    const { gcs, v } = await vehicleWithGcs({ speedup: 1, settleS: 0 });
    const taken: number[] = [];
    const camera = new MavlinkCamera(v, {
      stream: null,
      lens: { hfovDeg: 70, width: 1280, height: 720 },
      fps: 1,
      captureStill: async (i) => {
        taken.push(i);
        return `http://127.0.0.1:1/stills/${i}.jpg`;
      },
    });
    try {
      let acks = 0;
      gcs.onMessage((r) => {
        if (r.message instanceof common.CommandAck && r.compid === 100 && r.message.command === 2000) acks++;
      });
      const shot = (seq: number, confirmation: number) => {
        const c = commandLong(2000, [0, 0, 1, seq]) as common.CommandLong;
        c.targetComponent = 100;
        c.confirmation = confirmation;
        gcs.send(c);
      };
      shot(7, 0);
      shot(7, 1);
      await until(() => acks === 2, 3000, 'both acknowledged');
      shot(8, 0);
      await until(() => acks === 3 && taken.length === 2, 3000, 'the next shot taken');
      expect(taken).toEqual([0, 1]);
    } finally {
      await camera.close();
    }
  }, 20_000);
});
