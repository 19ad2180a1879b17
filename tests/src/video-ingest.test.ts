/**
 * Live video through the server: a simulated camera (Motion-JPEG over HTTP) ingested by the
 * server and passed on as the camera encoded it (one JPEG per message, never transcoded) on the
 * video WebSocket with the capture time of each frame; the WebSocket is role-checked
 * (`video.read`). RTSP (H.264 -> fragmented MP4) is in video-rtsp.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildDemoScene, type CameraServer, SimCamera, startCameraServer } from '@aerie/hardware';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startVideoServer, type VideoServer } from './video-server.ts';

const ADMIN_PASSWORD = 'video-admin-password';
const HOME = { lat: 23.03, lon: 113.14, altM: 10 };

let server: VideoServer | undefined;
let dir = '';
let app: FastifyInstance | undefined;
let camera: CameraServer | undefined;
let base = '';
let admin = '';

beforeAll(async () => {
  const { scene } = await buildDemoScene({ sites: [HOME], elevationMslM: HOME.altM });
  let t = 0;
  const cam = new SimCamera({
    scene,
    pose: () => ({
      lat: HOME.lat + ++t * 2e-6,
      lon: HOME.lon,
      altMslM: 70,
      rollDeg: 0,
      pitchDeg: 0,
      yawDeg: 0,
    }),
  });
  camera = await startCameraServer({ camera: (s) => (s === 1 ? cam : undefined) });
  server = await startVideoServer({
    adminPassword: ADMIN_PASSWORD,
    sources: { 'sim-1': camera.url(1), 'gone-1': 'http://127.0.0.1:9/camera/1.mjpeg' },
  });
  app = server.app;
  dir = server.dir;
  base = server.host;
  admin = server.token;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await camera?.close();
});

interface Received {
  states: { signal: string; codec: string | null }[];
  units: { kind: number; seq: number; at: number; bytes: number }[];
}

/** Watches a vehicle's video until `done` says so, acknowledging every unit as a console does. */
function watch(
  vehicleId: string,
  token: string,
  done: (r: Received) => boolean,
  timeoutMs = 30_000,
): Promise<Received> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${base}/api/video/ws/${vehicleId}?token=${token}`);
    const r: Received = { states: [], units: [] };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`timed out; got ${JSON.stringify({ states: r.states, units: r.units.length })}`));
    }, timeoutMs);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) r.states.push(JSON.parse(String(data)));
      else {
        const b = data as Buffer;
        r.units.push({
          kind: b.readUInt8(0),
          seq: b.readUInt32LE(4),
          at: b.readDoubleLE(8),
          bytes: b.length - 16,
        });
        ws.send('a');
      }
      if (done(r)) {
        clearTimeout(timer);
        ws.close();
        resolve(r);
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`HTTP ${res.statusCode}`));
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describe('live video through the server', () => {
  it('ingests the simulated camera and delivers its JPEG frames with their capture times', async () => {
    const r = await watch('sim-1', admin, (x) => x.units.length >= 6);
    const frames = r.units;
    expect(frames.every((u) => u.kind === 1)).toBe(true);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.at).toBeGreaterThan(frames[i - 1]!.at);
    expect(frames.every((f) => f.at > Date.now() - 60_000 && f.bytes > 100)).toBe(true);
    expect(r.states.at(-1)).toMatchObject({
      signal: 'live',
      codec: 'jpeg',
    });
    const list = await app!.inject({
      method: 'GET',
      url: '/api/video/streams',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(list.json()).toContainEqual(expect.objectContaining({ vehicleId: 'sim-1', signal: 'live' }));
  }, 60_000);

  it('stores the newest frame as evidence in the media store', async () => {
    await watch('sim-1', admin, (x) => x.units.length > 0);
    const res = await app!.inject({
      method: 'POST',
      url: '/api/video/sim-1/snapshots',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as { sha256: string; capturedAtMs: number; vehicleId: string };
    expect(body.vehicleId).toBe('sim-1');
    const stored = readFileSync(path.join(dir, 'media', body.sha256));
    expect(stored.subarray(0, 2).toString('hex')).toBe('ffd8');
    const none = await app!.inject({
      method: 'POST',
      url: '/api/video/nobody/snapshots',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(none.statusCode).toBe(404);
  }, 60_000);

  it('a second viewer starts at once from the last frame', async () => {
    const first = watch('sim-1', admin, (x) => x.units.length >= 40, 60_000).catch(() => null);
    await watch('sim-1', admin, (x) => x.units.length > 0);
    const opened = Date.now();
    const r = await watch('sim-1', admin, (x) => x.units.length > 0, 5_000);
    // the cached frame, captured before this viewer came
    expect(r.units[0]!.at).toBeLessThan(opened);
    await first;
  }, 90_000);

  it('refuses viewers without a session or without video.read, and vehicles without a source', async () => {
    await expect(watch('sim-1', 'not-a-token', () => true, 5000)).rejects.toThrow('HTTP 401');
    await app!.inject({
      method: 'POST',
      url: '/api/users',
      headers: { authorization: `Bearer ${admin}` },
      payload: { username: 'reviewer1', password: 'reviewer-password-1', displayName: 'R', role: 'reviewer' },
    });
    const login = await app!.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'reviewer1', password: 'reviewer-password-1' },
    });
    expect(login.statusCode).toBe(200);
    await expect(watch('sim-1', login.json().token, () => true, 5000)).rejects.toThrow('HTTP 403');
    await expect(watch('nobody', admin, () => true, 5000)).rejects.toThrow('HTTP 404');
  }, 30_000);

  it('a camera that cannot be reached shows no signal', async () => {
    const r = await watch('gone-1', admin, (x) => x.states.some((s) => s.signal === 'no-signal'), 20_000);
    expect(r.units).toEqual([]);
  }, 30_000);
});
