/**
 * A changed camera announcement replaces a watched stream at once: two Motion-JPEG cameras, a
 * viewer on the video WebSocket of a vehicle whose camera announced the first; then the camera
 * announces the second. The server starts the new ingest straight away, tells the viewer "no
 * signal" and closes its socket (4001); the viewer reconnects and gets the second camera's
 * frames; the first camera is hung up on.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CameraStreamsPayload } from '@aerie/contracts';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { vehicleCameras } from '../db/schema.ts';
import { create, type Harness, startHarness } from '../test/harness.ts';
import { SOURCE_CHANGED_CLOSE } from './routes.ts';

interface Camera {
  server: Server;
  url: string;
  /** Connections open now, and when the first one came (epoch ms). */
  open: number;
  firstAtMs: number | null;
}

/** A Motion-JPEG camera whose frames carry capture times from `base` on (one every 50 ms). */
async function startCamera(base: number): Promise<Camera> {
  const jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  const cam: Camera = { server: undefined as unknown as Server, url: '', open: 0, firstAtMs: null };
  cam.server = createServer((_req, res) => {
    cam.open += 1;
    cam.firstAtMs ??= Date.now();
    res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace; boundary=f' });
    let i = 0;
    const timer = setInterval(() => {
      res.write(
        `--f\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\nX-Captured-At-Ms: ${base + i++}\r\n\r\n`,
      );
      res.write(Buffer.concat([jpeg, Buffer.from('\r\n')]));
    }, 50);
    res.on('close', () => {
      clearInterval(timer);
      cam.open -= 1;
    });
  });
  await new Promise<void>((r) => cam.server.listen(0, '127.0.0.1', r));
  cam.url = `http://127.0.0.1:${(cam.server.address() as AddressInfo).port}/cam.mjpeg`;
  return cam;
}

const announcement = (uri: string): CameraStreamsPayload => ({
  compid: 100,
  vendor: 'Aerie',
  model: 'test camera',
  widthPx: 32,
  heightPx: 24,
  streams: [
    {
      streamId: 1,
      name: 'live',
      uri,
      type: 'tcp_mpeg',
      encoding: 'unknown',
      widthPx: 32,
      heightPx: 24,
      fps: 20,
      hfovDeg: 70,
      bitrateKbps: 0,
    },
  ],
});

/** A viewer on the video WebSocket: the states and the capture times of the units it got. */
function watch(url: string) {
  const ws = new WebSocket(url);
  const got = { states: [] as { signal: string; reason?: string }[], times: [] as number[], closeCode: 0 };
  ws.on('message', (data, binary) => {
    if (!binary) {
      got.states.push(JSON.parse(String(data)));
      return;
    }
    got.times.push((data as Buffer).readDoubleLE(8));
    ws.send('ack');
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  return { ws, got, closed };
}

async function until<T>(what: string, probe: () => T | null | undefined | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Stores an announcement as the bridge channel's ingest does, and tells the video routes of it. */
const announcer = (vehicleId: string) => async (uri: string) => {
  const { db } = h.app.aerie.database;
  const row = { streamsJson: JSON.stringify(announcement(uri)), announcedAt: new Date() };
  await db
    .insert(vehicleCameras)
    .values({ vehicleId, compid: 100, ...row })
    .onConflictDoUpdate({ target: [vehicleCameras.vehicleId, vehicleCameras.compid], set: row });
  h.app.aerie.bridgeChannel.emit('camera.streams', vehicleId, announcement(uri));
};

const A = 1_000_000;
const B = 2_000_000;
let h: Harness;
let camA: Camera;
let camB: Camera;
let wsBase = '';

beforeAll(async () => {
  [camA, camB] = await Promise.all([startCamera(A), startCamera(B)]);
  h = await startHarness();
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  wsBase = `ws://127.0.0.1:${port}/api/video/ws/`;
});

afterAll(async () => {
  await h?.close();
  for (const c of [camA, camB]) c?.server.closeAllConnections();
  await Promise.all([camA, camB].map((c) => c && new Promise((r) => c.server.close(r))));
});

describe('a changed camera announcement on a watched stream', () => {
  it('switches the ingest over at once; the viewer sees no signal, reconnects and gets the new camera', async () => {
    const vehicleId = String(
      (await create(h, '/api/vehicles', { name: 'V1', serial: 'V-SRC', model: 'M30' })).id,
    );
    const announce = announcer(vehicleId);
    await announce(camA.url);
    const url = `${wsBase}${vehicleId}?token=${h.adminToken}`;

    const first = watch(url);
    await until('frames from camera A', () => first.got.times.length >= 3);
    expect(first.got.times.every((t) => t >= A && t < B)).toBe(true);
    expect(camB.firstAtMs).toBeNull();

    const announcedAt = Date.now();
    await announce(camB.url);
    // The viewer is told at once and its socket closed for it to reconnect.
    const code = await first.closed;
    expect(code).toBe(SOURCE_CHANGED_CLOSE);
    expect(first.got.states.at(-1)).toMatchObject({ signal: 'no-signal', reason: 'source-changed' });
    // The new ingest was started by the announcement, not by the viewer's return.
    const bAt = await until('camera B opened', () => camB.firstAtMs);
    expect(bAt - announcedAt).toBeLessThan(2000);
    await until('camera A hung up', () => camA.open === 0);

    // The player's reconnect: the new camera's frames, none of the old one's.
    const second = watch(url);
    await until('frames from camera B', () => second.got.times.length >= 3);
    expect(second.got.times.every((t) => t >= B)).toBe(true);
    expect(second.got.states.map((x) => x.signal)).toContain('live');
    // One stream for the vehicle, on the new source.
    const source = (await h.req('GET', `/api/video/${vehicleId}/source`, { token: h.adminToken })).json();
    expect(source).toMatchObject({ source: { kind: 'mjpeg', url: camB.url }, announced: true });
    const streams = (await h.req('GET', '/api/video/streams', { token: h.adminToken })).json();
    expect(streams).toEqual([expect.objectContaining({ vehicleId, viewers: 1, signal: 'live' })]);
    second.ws.close();

    // Announcing the same stream again changes nothing.
    await announce(camB.url);
    await new Promise((r) => setTimeout(r, 200));
    expect(camB.open).toBe(1);
  }, 30_000);

  it('an unwatched stream is dropped at once and the next viewer opens the new source', async () => {
    const vehicleId = String(
      (await create(h, '/api/vehicles', { name: 'V2', serial: 'V-SRC2', model: 'M30' })).id,
    );
    const announce = announcer(vehicleId);
    await announce(camA.url);
    const url = `${wsBase}${vehicleId}?token=${h.adminToken}`;
    const before = camA.open;
    const first = watch(url);
    await until('frames from camera A', () => first.got.times.length >= 2);
    first.ws.close();
    await first.closed;
    // Nobody watches; the ingest would run on for idleStopMs. The announcement drops it now.
    const listed = async () =>
      (
        (await h.req('GET', '/api/video/streams', { token: h.adminToken })).json() as { vehicleId: string }[]
      ).some((x) => x.vehicleId === vehicleId);
    expect(await listed()).toBe(true);
    const bBefore = camB.open;
    await announce(camB.url);
    await until('camera A hung up', () => camA.open === before);
    expect(await listed()).toBe(false);
    // Not started for nobody.
    expect(camB.open).toBe(bBefore);
    const second = watch(url);
    await until('frames from camera B', () => second.got.times.length >= 2);
    expect(second.got.times.every((t) => t >= B)).toBe(true);
    second.ws.close();
  }, 30_000);

  it("never shows a stream's password to a viewer", async () => {
    const vehicleId = String(
      (await create(h, '/api/vehicles', { name: 'V3', serial: 'V-SRC3', model: 'M30' })).id,
    );
    await announcer(vehicleId)('rtsp://admin:s3cret@10.0.0.9:554/Streaming/101');
    const res = await h.req('GET', `/api/video/${vehicleId}/source`, { token: h.adminToken });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('s3cret');
    expect(res.json()).toMatchObject({
      source: { kind: 'ffmpeg', url: 'rtsp://admin:***@10.0.0.9:554/Streaming/101' },
      announced: true,
      cameras: [{ streams: [{ uri: 'rtsp://admin:***@10.0.0.9:554/Streaming/101' }] }],
    });
  });
});
