/**
 * The closed loop, frames -> detection -> ticket, on real parts: the demo scene's simulated
 * camera served over HTTP (as `aerie up` serves it), the server built with detection on (its
 * inference pipeline in worker threads, its ticket desk on a real SQLite file), and a vehicle
 * hovering over the planted fire whose telemetry reaches the server's live-state store at
 * 10 Hz, as the bridge channel would deliver it (the bridge itself is not in this test).
 *
 * Within a bounded time a fire/smoke ticket exists whose location lies on the planted
 * incident's footprint, up to the error the ticket states, with the frame kept as evidence; the
 * console got exactly one fire alert per filing (raised from the desk's events, not by the loop).
 * It runs twice: with the pipeline in the server's process, and with the frames on the Redis
 * detection queue (AERIE_REDIS_URL) analysed by an inference worker; the filing is the same.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sampleVehicleState } from '@aerie/contracts';
import { buildDemoScene, type PlantedIncident, SimCamera, startCameraServer } from '@aerie/hardware';
import { startInferenceWorker } from '@aerie/inference';
import { destination, localPlane } from '@aerie/missions';
import { build, LiveStateStore } from '@aerie/server';
import { afterEach, describe, expect, it } from 'vitest';
import { Teardown, waitFor } from './harness.ts';
import { startRedis } from './redis.ts';

const ADMIN_PASSWORD = 'detection-loop-admin';
const HOME = { lat: 23.03, lon: 113.14, altM: 12 };
const SYSID = 7;
const VEHICLE = 'veh-loop-1';

/** What one run opened, closed when it ends (the in-process and the queue run one after the other). */
let teardown = new Teardown();
afterEach(async () => {
  const t = teardown;
  teardown = new Teardown();
  await t.run();
});

describe('detection loop', () => {
  it.each([['in-process'], ['queue']] as const)(
    'files a ticket with evidence at the planted fire for a vehicle hovering over it (%s)',
    async (mode) => {
      // Queue mode: the frames go through a real redis-server to an inference worker (here in
      // this process, with the same image-analysis detectors the in-process pipeline runs).
      let redisUrl: string | undefined;
      if (mode === 'queue') {
        const redis = teardown.add(await startRedis(), (r) => r.stop());
        redisUrl = redis.url;
        teardown.add(await startInferenceWorker({ redisUrl, modelsDir: null, name: 'loop-worker' }), (w) =>
          w.close(),
        );
      }
      const { scene, incidents } = await buildDemoScene({ sites: [HOME], elevationMslM: HOME.altM });
      const fire = incidents.find((i) => i.category === 'fire_smoke') as PlantedIncident;
      expect(fire).toBeDefined();

      // Hover 12 m south-west of the incident's centre at 60 m, nose 30 deg east of north.
      const at = destination(fire, 225, 12);
      const pose = {
        lat: at.lat,
        lon: at.lon,
        altMslM: HOME.altM + 60,
        altRelM: 60,
        rollDeg: 0,
        pitchDeg: 0,
        yawDeg: 30,
      };
      const cam = new SimCamera({ scene, pose: () => pose });
      const camera = teardown.add(
        await startCameraServer({ camera: (s) => (s === SYSID ? cam : undefined) }),
        (c) => c.close(),
      );

      const dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-detection-loop-'));
      teardown.defer(() => rm(dir, { recursive: true, force: true }));
      const liveState = new LiveStateStore();
      const app = await build({
        announce: () => {},
        liveState,
        config: {
          dataDir: dir,
          logLevel: 'silent',
          adminPassword: ADMIN_PASSWORD,
          video: { simCameraUrl: `http://127.0.0.1:${camera.port}/camera/{sysid}.mjpeg` },
          detection: { enabled: true, fps: 2, ...(redisUrl ? { redisUrl } : {}) },
        },
      });
      teardown.add(app, (x) => x.close());
      const a = app;
      const alerts: { kind: string; text: string | null; vehicleId: string | null }[] = [];
      const fanoutAlert = a.consoleFanout.alert.bind(a.consoleFanout);
      a.consoleFanout.alert = (x) => {
        alerts.push({ kind: x.kind, text: x.text, vehicleId: x.vehicleId });
        fanoutAlert(x);
      };

      // Telemetry at 10 Hz, as the bridge channel delivers it: armed, in the air, over the fire.
      const publish = () =>
        liveState.update(
          VEHICLE,
          sampleVehicleState({
            sysid: SYSID,
            armed: true,
            landed: false,
            landedState: 'in_air',
            ...pose,
            updatedAtMs: Date.now(),
            lastHeardAtMs: Date.now(),
          }),
        );
      publish();
      const feed = setInterval(publish, 100);
      teardown.defer(() => clearInterval(feed));

      const token = (
        await a.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'admin', password: ADMIN_PASSWORD },
        })
      ).json().token as string;
      const get = async (url: string) =>
        (await a.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).json();

      let listed: { items: { id: string; category: string; lat: number; lon: number; errorM: number }[] } = {
        items: [],
      };
      await (async () => {
        const end = Date.now() + 90_000;
        for (;;) {
          listed = await get('/api/tickets?category=fire_smoke');
          if (listed.items.length > 0) return;
          if (Date.now() > end)
            throw new Error(`no fire_smoke ticket within 90 s: ${JSON.stringify(a.detection?.stats())}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      })();

      expect(listed.items).toHaveLength(1);
      const ticket = listed.items[0]!;
      // On the planted footprint (40 m east-west x 30 m north-south), up to the stated error.
      const p = localPlane(fire).toXY(ticket);
      expect(ticket.errorM).toBeGreaterThan(0);
      expect(ticket.errorM).toBeLessThan(10);
      expect(Math.abs(p.x)).toBeLessThanOrEqual(fire.widthM / 2 + ticket.errorM);
      expect(Math.abs(p.y)).toBeLessThanOrEqual(fire.heightM / 2 + ticket.errorM);

      const page = await get(`/api/tickets/${ticket.id}`);
      const frames = (page.evidence as { kind: string; mime: string; bytes: number }[]).filter(
        (e) => e.kind === 'frame',
      );
      expect(frames.length).toBeGreaterThan(0);
      expect(frames[0]!.mime).toBe('image/jpeg');
      expect(frames[0]!.bytes).toBeGreaterThan(10_000);
      const occurrence = page.occurrences[0] as {
        vehicleId: string;
        finding: { frames: number; detector: { name: string } };
      };
      expect(occurrence.vehicleId).toBe(VEHICLE);
      expect(a.detection?.stats().sampler.noPose).toBe(0);
      expect(occurrence.finding.frames).toBeGreaterThanOrEqual(2);

      await waitFor(() => alerts.find((x) => x.kind === 'fire_smoke'), 5_000, 'the fire alert');
      expect(alerts.find((x) => x.kind === 'fire_smoke')!.text).toBe(page.ticket.number);
      // Exactly one alert per filing (the ticket, then each recurrence): raised from the desk's
      // events only, never a second time by the loop.
      const fireAlerts = alerts.filter((x) => x.kind === 'fire_smoke');
      const latest = await get(`/api/tickets/${ticket.id}`);
      expect(fireAlerts).toHaveLength((latest.occurrences as unknown[]).length);
      expect(fireAlerts.every((x) => x.vehicleId === VEHICLE && x.text === page.ticket.number)).toBe(true);
      const health = (await a.inject({ method: 'GET', url: '/api/health' })).json();
      expect(health.detection.mode).toBe(mode);
      expect(health.detection.frames.processed).toBeGreaterThanOrEqual(2);
      if (mode === 'queue') expect(health.detection.queue).toMatchObject({ ok: true, workers: 1 });
    },
    150_000,
  );
});
