/**
 * Sortie video end to end in the server: a Motion-JPEG camera, a sortie opened and closed by the
 * flight log, the recorder's segments listed by GET /api/sorties/:id/video and served with Range.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, type Harness, startHarness } from '../test/harness.ts';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const FRAMES = 35;
let h: Harness;
let camera: Server;
let cameraUrl = '';
let vehicleId = '';
let sortieId = '';
let frameSent = 0;
let officer = '';

async function startCamera(): Promise<{ server: Server; url: string }> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } })
    .jpeg()
    .toBuffer();
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=f' });
    // Capture times 100 ms apart, sent five times faster than real time.
    let i = 0;
    const timer = setInterval(() => {
      if (i >= FRAMES) return;
      res.write(
        `--f\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\nX-Captured-At-Ms: ${T0 + i * 100}\r\n\r\n`,
      );
      res.write(Buffer.concat([jpeg, Buffer.from('\r\n')]));
      i++;
      frameSent = i;
    }, 20);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cam.mjpeg` };
}

async function until<T>(what: string, probe: () => Promise<T | null>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const cam = await startCamera();
  camera = cam.server;
  cameraUrl = cam.url;
  h = await startHarness({
    config: { video: { sources: { 'V-REC': cam.url }, recording: { segmentS: 1 } } },
  });
  vehicleId = String((await create(h, '/api/vehicles', { name: 'VR', serial: 'V-REC', model: 'M30' })).id);
  officer = await h.userToken('department_officer', {
    departmentId: String((await create(h, '/api/departments', { name: 'Water' })).id),
  });
  const { flightLog, database } = h.app.aerie;
  await flightLog.onEvent(database.db, vehicleId, T0, { type: 'armed', atMs: T0 });
  sortieId = String(flightLog.openSortieId(vehicleId));
  await until('the camera to send its frames', async () => (frameSent >= FRAMES ? true : null));
  await new Promise((r) => setTimeout(r, 300));
  await flightLog.onEvent(database.db, vehicleId, T0 + 4000, { type: 'disarmed', atMs: T0 + 4000 });
}, 60_000);

afterAll(async () => {
  await h.close();
  await new Promise((r) => camera.close(r));
});

describe('GET /api/sorties/:id/video', () => {
  it('lists the segments recorded while the sortie was open, cut every second of capture time', async () => {
    const body = await until('the last segment to be indexed', async () => {
      const res = await h.req('GET', `/api/sorties/${sortieId}/video`, { token: h.adminToken });
      expect(res.statusCode).toBe(200);
      const b = res.json();
      return !b.recording && b.segments.length >= 3 ? b : null;
    });
    const starts = body.segments.map((s: { startAt: string }) => Date.parse(s.startAt) - T0);
    expect(starts.slice(0, 3)).toEqual([0, 1000, 2000]);
    expect(Date.parse(body.segments[0].endAt) - T0).toBe(1000);
    for (const s of body.segments) {
      expect(s.mime).toBe('video/mp4');
      expect(s.bytes).toBeGreaterThan(0);
      expect(s.url).toBe(`/api/sorties/${sortieId}/video/${s.id}`);
    }

    const whole = await h.req('GET', body.segments[0].url, { token: h.adminToken });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.rawPayload.byteLength).toBe(body.segments[0].bytes);
    expect(whole.rawPayload.subarray(4, 8).toString()).toBe('ftyp');

    const part = await h.app.inject({
      method: 'GET',
      url: body.segments[0].url,
      headers: { authorization: `Bearer ${h.adminToken}`, range: 'bytes=4-7' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 4-7/${body.segments[0].bytes}`);
    expect(part.rawPayload.toString()).toBe('ftyp');
    expect(part.headers['content-type']).toBe('video/mp4');
    expect(part.headers['accept-ranges']).toBe('bytes');

    const past = await h.app.inject({
      method: 'GET',
      url: body.segments[0].url,
      headers: { authorization: `Bearer ${h.adminToken}`, range: `bytes=${body.segments[0].bytes}-` },
    });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${body.segments[0].bytes}`);
  }, 30_000);

  it('answers coded errors for an unknown sortie, a bad segment id, and a segment of no such sortie', async () => {
    const unknown = await h.req('GET', '/api/sorties/no-such-sortie/video', { token: h.adminToken });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NotFound');
    const bad = await h.req('GET', `/api/sorties/${sortieId}/video/abc`, { token: h.adminToken });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('ValidationFailed');
    const missing = await h.req('GET', `/api/sorties/${sortieId}/video/999999`, { token: h.adminToken });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toMatch(/no video segment 999999/);
  });

  it('needs video.read', async () => {
    const res = await h.req('GET', `/api/sorties/${sortieId}/video`, { token: officer });
    expect(res.statusCode).toBe(403);
    const anon = await h.req('GET', `/api/sorties/${sortieId}/video`);
    expect(anon.statusCode).toBe(401);
  });
});

describe('a server restart during a sortie', () => {
  it('goes on recording the sortie that is still open', async () => {
    const { flightLog, database } = h.app.aerie;
    const t = T0 + 60_000;
    await flightLog.onEvent(database.db, vehicleId, t, { type: 'armed', atMs: t });
    const open = String(flightLog.openSortieId(vehicleId));
    const config = { video: { sources: { 'V-REC': cameraUrl }, recording: { segmentS: 1 } } };
    await h.close({ keepDir: true });
    h = await startHarness({ dir: h.dir, config });
    const res = await h.req('GET', `/api/sorties/${open}/video`, { token: h.adminToken });
    expect(res.statusCode).toBe(200);
    expect(res.json().recording).toBe(true);
  }, 30_000);
});
