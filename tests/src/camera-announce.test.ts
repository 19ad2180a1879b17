/**
 * Cameras announcing themselves over MAVLink, end to end: a simulated aircraft with its camera
 * component (id 100) on one UDP link, a bridge in this process discovering the camera and
 * streaming to the server (built here) over its real channel. The server then takes the
 * vehicle's video source from the announced stream (no video configuration at all), and a
 * still the camera takes is stored as a frame with its pose.
 */
import { CAMERA_COMPID } from '@aerie/hardware';
import { schema } from '@aerie/server';
import { afterAll, describe, expect, it } from 'vitest';
import { startCameraSite } from './camera-site.ts';
import { Teardown } from './harness.ts';
import { eventually } from './local-server.ts';

const ADMIN_PASSWORD = 'admin-password-for-camera-test';
const HOME = { lat: 23.03, lon: 113.14, altM: 10 };

const teardown = new Teardown();
afterAll(() => teardown.run());

describe('camera announcement: sim camera -> bridge discovery -> server video source', () => {
  it("uses the stream the aircraft's camera announced and stores its stills as frames with a pose", async () => {
    const { app, api, site, aircraft, cameras } = await startCameraSite(teardown, {
      name: 'camera-e2e',
      adminPassword: ADMIN_PASSWORD,
      home: HOME,
      fps: 2,
    });
    const mjpeg = cameras.server.url(aircraft.sysid);

    const vehicleId = await eventually(
      async () => {
        const list = (await api('GET', '/vehicles')).json() as
          | { items?: { id: string }[] }
          | { id: string }[];
        const items = Array.isArray(list) ? list : (list.items ?? []);
        return items[0]?.id ?? null;
      },
      10_000,
      'the aircraft registered on the server',
    );
    const source = await eventually(
      async () => {
        const res = await api('GET', `/video/${vehicleId}/source`);
        const body = res.json();
        return res.statusCode === 200 && body.announced ? body : null;
      },
      15_000,
      'the announced stream as the video source',
    );
    expect(source.source).toEqual({ kind: 'mjpeg', url: mjpeg });
    // The announcement's fields are checked in gcs-bridge's camera tests; here, that they arrived.
    expect(source.cameras).toHaveLength(1);
    expect(source.cameras[0]).toMatchObject({ compid: CAMERA_COMPID, vendor: 'Aerie', widthPx: 1280 });
    expect(source.cameras[0].streams).toMatchObject([
      { uri: mjpeg, type: 'tcp_mpeg', encoding: 'unknown', fps: 2 },
    ]);
    // The announced URI really is the camera's stream.
    const still = await fetch(mjpeg.replace('.mjpeg', '.jpg'));
    expect(still.headers.get('content-type')).toBe('image/jpeg');

    // A still: MAV_CMD_IMAGE_START_CAPTURE through the bridge to the camera component.
    const vehicle = site.running.bridge.vehicle(aircraft.sysid)!;
    const { runCommand } = await import('@aerie/gcs-bridge');
    const ack = await runCommand(vehicle.port, {
      target: { sysid: aircraft.sysid, compid: CAMERA_COMPID },
      command: 2000,
      param3: 1,
    });
    expect(ack.ok).toBe(true);
    const db = app.aerie.database.db;
    const row = await eventually(
      async () => {
        const [r] = await db.select().from(schema.cameraImages);
        return r?.mediaSha256 ? r : null;
      },
      15_000,
      'the still fetched into the media store',
    );
    expect(row.fileUrl).toBe(cameras.server.stillUrl(aircraft.sysid, 0));
    const frame = JSON.parse(row.frameJson);
    expect(frame.vehicleId).toBe(vehicleId);
    expect(frame.pose.lat).toBeCloseTo(aircraft.position.lat, 5);
    expect(frame.pose.lon).toBeCloseTo(aircraft.position.lon, 5);
    expect(frame.camera).toEqual({ hfovDeg: 70, width: 1280, height: 720 });
  }, 90_000);
});
