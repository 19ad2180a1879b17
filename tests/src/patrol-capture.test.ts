/**
 * Stills during a patrol, end to end over real sockets: a route saved with a capture setting
 * (a still every 40 m) is launched on a dock-less simulated PX4 aircraft; the server plans the
 * camera items into the uploaded mission; the simulated autopilot flies it and, as PX4 does,
 * commands its camera component (id 100) with IMAGE_START_CAPTURE at every 40 m; the camera
 * takes each still and reports it (CAMERA_IMAGE_CAPTURED, pose and URL); the bridge forwards
 * the reports over its channel; the server fetches each still into the media store as a frame
 * with its pose and the sortie, and hands it to detection.
 */
import { MavCmd } from '@aerie/missions';
import { schema } from '@aerie/server';
import { afterAll, describe, expect, it } from 'vitest';
import { startCameraSite } from './camera-site.ts';
import { patrolRoute, Teardown } from './harness.ts';
import { eventually } from './local-server.ts';

const ADMIN_PASSWORD = 'admin-password-for-capture-test';
const HOME = { lat: 23.03, lon: 113.14, altM: 10 };

const teardown = new Teardown();
afterAll(() => teardown.run());

describe('patrol capture: route setting -> mission camera items -> autopilot -> camera -> server frames', () => {
  it('a patrol with a still every 40 m delivers each still with its pose to the media store and to detection', async () => {
    const { app, api, aircraft } = await startCameraSite(teardown, {
      name: 'capture-e2e',
      adminPassword: ADMIN_PASSWORD,
      home: HOME,
      fps: 1,
      server: {
        patrol: { schedulerIntervalMs: 250, orchestrator: { tickMs: 250 } },
        config: { detection: { enabled: true, fps: 1 } },
      },
    });

    const vehicleId = await eventually(
      async () => ((await api('GET', '/vehicles')).json().items as { id: string }[])[0]?.id ?? null,
      10_000,
      'the aircraft registered',
    );
    // Stills are fetched only from the hosts of the vehicle's announced streams.
    await eventually(
      async () => (await api('GET', `/video/${vehicleId}/source`)).json().announced === true,
      15_000,
      "the camera's announcement",
    );

    const saved = await api('POST', '/routes', {
      name: 'River with stills',
      kind: 'waypoint',
      route: { ...patrolRoute('River with stills', HOME, 160, 0, 25), capture: { distanceM: 40 } },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const launched = await api('POST', '/sorties', { routeId: saved.json().id, vehicleId });
    expect(launched.statusCode, launched.body).toBe(201);
    const sortieId = launched.json().sortieId as string;

    // The uploaded mission carries the camera items the setting planned.
    await eventually(async () => aircraft.missionItems().length > 0, 20_000, 'the mission uploaded');
    const commands = aircraft.missionItems().map((i) => i.command);
    expect(commands).toEqual([
      MavCmd.NavTakeoff,
      MavCmd.DoSetCamTriggDist,
      MavCmd.NavWaypoint,
      MavCmd.NavWaypoint,
      MavCmd.DoSetCamTriggDist,
      MavCmd.NavReturnToLaunch,
    ]);

    // Out 160 m and across 0 m: a still at the start and every 40 m -> at least 4 before the RTL.
    const db = app.aerie.database.db;
    const rows = await eventually(
      async () => {
        const all = await db.select().from(schema.cameraImages);
        const stored = all.filter((r) => r.mediaSha256);
        return aircraft.mode.name === 'AUTO.RTL' &&
          stored.length === aircraft.cameraTriggerCount &&
          stored.length >= 4
          ? stored
          : null;
      },
      60_000,
      'the stills of the outbound leg stored',
    );
    expect(rows.every((r) => r.fetchError === null)).toBe(true);
    const frames = rows.map((r) => JSON.parse(r.frameJson)).sort((a, b) => a.capturedAtMs - b.capturedAtMs);
    for (const f of frames) {
      expect(f.vehicleId).toBe(vehicleId);
      expect(f.sortieId).toBe(sortieId);
      expect(Math.abs(f.pose.lon - HOME.lon)).toBeLessThan(0.0002);
    }
    // Each at the pose of its own shot: northwards, about 40 m apart, at patrol height after the first.
    const lats = frames.map((f) => f.pose.lat);
    for (let i = 2; i < lats.length; i++) expect((lats[i] - lats[i - 1]) * 111_000).toBeGreaterThan(35);
    for (const f of frames.slice(1)) expect(f.pose.altRelM).toBeGreaterThan(20);
    // Distinct pictures, each stored once.
    expect(new Set(rows.map((r) => r.mediaSha256)).size).toBe(rows.length);
    // As the console lists them: the sortie's stills, newest first, each image served.
    const listed = (await api('GET', `/video/${vehicleId}/stills?limit=100`)).json();
    expect(listed.sortieId).toBe(sortieId);
    expect(listed.items.map((s: { id: string }) => s.id).sort()).toEqual(rows.map((r) => r.id).sort());
    const image = await api('GET', listed.items[0].url.replace(/^\/api/, ''));
    expect(image.headers['content-type']).toBe('image/jpeg');
    // Handed to detection.
    await eventually(
      async () => (app.detection?.stats().loop.submitted ?? 0) >= rows.length,
      20_000,
      'every still submitted to detection',
    );
  }, 150_000);
});
