/**
 * WebRTC delivery end to end, without a browser: an H.264 test pattern pushed over RTSP to the
 * server, and a node-datachannel peer in a child process as the viewer. It offers receive-only
 * H.264 to `POST /api/video/:vehicleId/whep`, gets RTP packets of that video (parameter sets
 * with the key frames, RTP timestamps that are the frames' capture times), and stops getting
 * them once it ends the session with DELETE. Offers the server cannot answer, and Motion-JPEG
 * streams, are refused with the reason.
 */
import type { ChildProcess } from 'node:child_process';
import { capturedAtOfRtp } from '@aerie/contracts';
import nodeDataChannel from 'node-datachannel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeTcpPort, until } from './cli.ts';
import { rtpViewer } from './rtp-viewer.ts';
import { pushTestPattern } from './rtsp-source.ts';
import { startVideoServer, type VideoServer } from './video-server.ts';

const ADMIN_PASSWORD = 'whep-admin-password';
const H264_PT = 102;

let server: VideoServer | undefined;
let source: ChildProcess | undefined;
let base = '';
let token = '';

beforeAll(async () => {
  const rtspUrl = `rtsp://127.0.0.1:${await freeTcpPort()}/live`;
  server = await startVideoServer({
    adminPassword: ADMIN_PASSWORD,
    sources: { 'cam-1': `${rtspUrl}?listen`, 'mj-1': 'http://127.0.0.1:9/camera/1.mjpeg' },
  });
  base = `http://${server.host}`;
  token = server.token;
  source = pushTestPattern(rtspUrl);
}, 60_000);

afterAll(async () => {
  source?.kill();
  await server?.close();
  nodeDataChannel.cleanup();
}, 30_000);

const whep = (vehicleId: string, sdp: string, query = '') =>
  fetch(`${base}/api/video/${vehicleId}/whep${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' },
    body: sdp,
  });

describe('WebRTC (WHEP)', () => {
  it('sends the H.264 stream as RTP with capture-time timestamps until the session is deleted', {
    timeout: 120_000,
  }, async () => {
    const v = await rtpViewer(H264_PT);
    const res = await whep('cam-1', v.offer);
    const answer = await res.text();
    expect(res.status, answer).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/application\/sdp/);
    expect(answer).toMatch(/a=sendonly/);
    const location = res.headers.get('location');
    expect(location).toMatch(/^\/api\/video\/whep\//);
    await v.answer(answer);

    await until(async () => v.packets.length > 200, 'RTP packets of the test pattern', 90_000);
    const now = Date.now();
    expect(v.packets.every((p) => p.payloadType === H264_PT)).toBe(true);
    // Key frames come with their SPS (7) and PPS (8); IDR slices (5) follow them.
    const types = new Set(v.packets.map((p) => p.nalType));
    for (const t of [7, 8, 5]) expect(types, `NAL type ${t}`).toContain(t);
    // The RTP timestamp is the capture time: every frame was captured in the last minute.
    const ages = v.packets.map((p) => now - capturedAtOfRtp(p.timestamp, now));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ages)).toBeLessThan(60_000);

    const ended = await fetch(`${base}${location}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ended.status).toBe(204);
    await new Promise((r) => setTimeout(r, 500));
    const after = v.packets.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(v.packets.length).toBe(after);
    const again = await fetch(`${base}${location}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(404);
    v.close();
  });

  // Issue 14's flake: a viewer whose answer arrived after the server's peer had already run ICE
  // and started DTLS failed ("Got a remote candidate without ICE transport"); see
  // rtp-viewer-peer.ts. Answers 1 and 2 s late hit it in about one run in three before the fix.
  it('connects viewers whose answer arrives late, as on a loaded machine', async () => {
    for (const lateMs of [1000, 2000]) {
      const v = await rtpViewer(H264_PT);
      const res = await whep('cam-1', v.offer);
      expect(res.status).toBe(201);
      const answer = await res.text();
      await new Promise((r) => setTimeout(r, lateMs));
      await v.answer(answer);
      await until(async () => v.packets.length > 20, `RTP packets, answer ${lateMs} ms late`, 60_000);
      await fetch(`${base}${res.headers.get('location')}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      v.close();
    }
  }, 120_000);

  it('sends the wall-tile sub-stream on ?rendition=sub, and refuses a rendition it does not know', async () => {
    const v = await rtpViewer(H264_PT);
    const bad = await whep('cam-1', v.offer, '?rendition=low');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/one of main, sub, got 'low'/);
    const res = await whep('cam-1', v.offer, '?rendition=sub');
    expect(res.status).toBe(201);
    await v.answer(await res.text());
    await until(async () => v.packets.length > 40, 'RTP packets of the sub-stream', 60_000);
    const types = new Set(v.packets.map((p) => p.nalType));
    for (const t of [7, 8, 5]) expect(types, `NAL type ${t}`).toContain(t);
    // The ingest encodes the sub-stream once, whoever watches it.
    const streams = await fetch(`${base}/api/video/streams`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const list = (await streams.json()) as { vehicleId: string; subViewers: number }[];
    expect(list.find((s) => s.vehicleId === 'cam-1')?.subViewers).toBe(1);
    await fetch(`${base}${res.headers.get('location')}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    v.close();
  }, 120_000);

  it('refuses an offer it cannot answer, a Motion-JPEG stream, and a vehicle without video', async () => {
    const bad = await whep('cam-1', 'not sdp');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/not an SDP offer/);
    const v = await rtpViewer(H264_PT);
    const mjpeg = await whep('mj-1', v.offer);
    expect(mjpeg.status).toBe(409);
    expect((await mjpeg.json()).error.message).toMatch(/Motion-JPEG/);
    expect((await whep('nobody', v.offer)).status).toBe(404);
    const noSession = await fetch(`${base}/api/video/cam-1/whep`, { method: 'POST', body: v.offer });
    expect(noSession.status).toBe(401);
    v.close();
  }, 60_000);
});
