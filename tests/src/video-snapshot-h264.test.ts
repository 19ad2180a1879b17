/**
 * Snapshots of an H.264 stream on the server: an ffmpeg test pattern pushed over RTSP, watched
 * through the server once, then `POST /api/video/:vehicleId/snapshots` decodes the stream's
 * newest key frame with ffmpeg into one JPEG and stores it as evidence with its record, as
 * Motion-JPEG snapshots are.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freeTcpPort } from './cli.ts';
import { pushTestPattern } from './rtsp-source.ts';
import { startVideoServer, type VideoServer } from './video-server.ts';

let server: VideoServer | undefined;
let source: ChildProcess | undefined;

beforeAll(async () => {
  const rtspUrl = `rtsp://127.0.0.1:${await freeTcpPort()}/live`;
  server = await startVideoServer({
    adminPassword: 'h264-snapshot-admin-password',
    sources: { 'cam-1': `${rtspUrl}?listen` },
  });
  source = pushTestPattern(rtspUrl);
}, 60_000);

afterAll(async () => {
  source?.kill();
  await server?.close();
}, 30_000);

/** Watches the vehicle's video over the console's WebSocket until `units` binary units came. */
function watch(vehicleId: string, units: number): Promise<string[]> {
  const s = server!;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${s.host}/api/video/ws/${vehicleId}?token=${s.token}`);
    const codecs: string[] = [];
    let got = 0;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`only ${got} video units within 60 s`));
    }, 60_000);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        const state = JSON.parse(String(data)) as { codec?: string };
        if (state.codec) codecs.push(state.codec);
        return;
      }
      ws.send('a');
      if (++got >= units) {
        clearTimeout(timer);
        ws.close();
        resolve(codecs);
      }
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describe('H.264 snapshots on the server', () => {
  it('decodes the newest key frame into a JPEG stored as evidence with its record', async () => {
    const codecs = await watch('cam-1', 20);
    expect(codecs.at(-1)).toMatch(/^avc1\./);
    const res = await server!.app.inject({
      method: 'POST',
      url: '/api/video/cam-1/snapshots',
      headers: { authorization: `Bearer ${server!.token}` },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as {
      sha256: string;
      metaSha256: string;
      vehicleId: string;
      capturedAtMs: number;
    };
    expect(body.vehicleId).toBe('cam-1');
    expect(body.capturedAtMs).toBeGreaterThan(Date.now() - 120_000);
    const jpeg = readFileSync(path.join(server!.dir, 'media', body.sha256));
    expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1280, 720]);
    const record = JSON.parse(readFileSync(path.join(server!.dir, 'media', body.metaSha256), 'utf8'));
    expect(record).toMatchObject({
      sha256: body.sha256,
      vehicleId: 'cam-1',
      capturedAtMs: body.capturedAtMs,
    });
  }, 120_000);
});
