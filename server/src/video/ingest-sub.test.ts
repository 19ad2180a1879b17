/**
 * The ingest's sub-stream with a real ffmpeg: one child writes the main stream (copied) and the
 * wall-tile rendition, either encoded from the main stream at 640x360 or copied from the camera's
 * own sub-stream; sub frames carry the capture time of their main frame.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spsPictureSize } from './flv-fmp4.ts';
import { parameterSetsOfInit } from './h264.ts';
import { StreamHub, type StreamUnit } from './hub.ts';
import { Ingest, type VideoSource } from './ingest.ts';

let dir = '';
const clip = (name: string, size: string) => {
  const file = path.join(dir, name);
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=15`],
    ...[
      '-t',
      '2',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '15',
      '-bf',
      '0',
      '-pix_fmt',
      'yuv420p',
      file,
    ],
  ]);
  return file;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'aerie-sub-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The picture size in an init segment. */
function sizeOf(init: Uint8Array | null): { width: number; height: number } {
  const ps = parameterSetsOfInit(init!);
  const len = new DataView(ps.buffer, ps.byteOffset).getUint32(0);
  return spsPictureSize(Buffer.from(ps.subarray(4, 4 + len)));
}

async function ingestBoth(source: VideoSource) {
  const hub = new StreamHub();
  const subHub = new StreamHub();
  /** What a viewer got: the init segment and the capture time of every frame after it. */
  const recorder = () => {
    const got = { init: null as Uint8Array | null, times: [] as number[] };
    const sink = {
      send(u: StreamUnit, written: () => void) {
        if (u.seq === -1) got.init = u.bytes;
        else got.times.push(u.capturedAtMs);
        written();
      },
    };
    return { got, sink };
  };
  const m = recorder();
  const s = recorder();
  hub.addViewer(m.sink);
  subHub.addViewer(s.sink);
  const main = m.got.times;
  const sub = s.got.times;
  const ingest = new Ingest({ source, hub, subHub });
  ingest.start();
  const until = Date.now() + 20_000;
  while ((main.length < 20 || sub.length < 20) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 50));
  ingest.stop();
  // The child exits at the end of the file and the hubs forget it: the sizes come from what the viewers got.
  return { main, sub, mainInit: m.got.init, subInit: s.got.init };
}

describe('the ingest sub-stream', () => {
  it('encodes 640x360 from the main stream once, its frames carrying their main frame capture time', async () => {
    const r = await ingestBoth({ kind: 'ffmpeg', url: clip('main.mp4', '1280x720') });
    expect(r.sub.length).toBeGreaterThanOrEqual(20);
    expect(sizeOf(r.mainInit)).toEqual({ width: 1280, height: 720 });
    expect(sizeOf(r.subInit)).toEqual({ width: 640, height: 360 });
    // Paired by decode time; a sub frame read before its main frame (two pipes, no order
    // between them; a file is read far faster than a camera sends) takes its own arrival.
    const mainTimes = new Set(r.main);
    expect(r.sub.filter((t) => mainTimes.has(t)).length).toBeGreaterThanOrEqual(r.sub.length * 0.75);
  }, 30_000);

  it("encodes the sub-stream itself when the camera's would not open, and the main stream plays", async () => {
    const r = await ingestBoth({
      kind: 'ffmpeg',
      url: clip('cam-main.mp4', '1280x720'),
      subUrl: path.join(dir, 'no-such-sub.mp4'),
    });
    expect(r.main.length).toBeGreaterThanOrEqual(20);
    expect(sizeOf(r.subInit)).toEqual({ width: 640, height: 360 });
  }, 30_000);

  it("copies the camera's own sub-stream when the source names one", async () => {
    const r = await ingestBoth({
      kind: 'ffmpeg',
      url: clip('dock-main.mp4', '1280x720'),
      subUrl: clip('dock-sub.mp4', '320x180'),
    });
    expect(r.sub.length).toBeGreaterThanOrEqual(20);
    expect(sizeOf(r.mainInit)).toEqual({ width: 1280, height: 720 });
    expect(sizeOf(r.subInit)).toEqual({ width: 320, height: 180 });
  }, 30_000);
});
