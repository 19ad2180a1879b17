/** Sortie video recording: segments cut at the right capture times, playable, indexed, swept. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { sorties, vehicles } from '../db/schema.ts';
import { LocalMediaStore } from '../media/local-store.ts';
import { dropTestDatabase, openTestDatabase } from '../test/database.ts';
import { isKeyFragment } from './h264.ts';
import { StreamHub } from './hub.ts';
import { Mp4Splitter } from './mp4-boxes.ts';
import { cutDue, frameRateOf, type RecordedSegment, SegmentRecorder } from './recorder.ts';
import { SortieVideo } from './sortie-video.ts';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
/** 10 frames a second, 160x90, the colour changing each second so the encoder has work. */
const FPS = 10;

async function jpegFrames(n: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let s = 0; s < Math.ceil(n / FPS); s++) {
    const img = await sharp({
      create: {
        width: 160,
        height: 90,
        channels: 3,
        background: { r: (s * 40) % 256, g: 80, b: 200 - s * 5 },
      },
    })
      .jpeg()
      .toBuffer();
    for (let i = 0; i < FPS; i++) out.push(new Uint8Array(img));
  }
  return out.slice(0, n);
}

function probe(file: string): { codec: string; durationS: number; startS: number } {
  const json = execFileSync('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_name:format=duration,start_time',
    '-of',
    'json',
    file,
  ]).toString();
  const parsed = JSON.parse(json) as {
    streams: { codec_name: string }[];
    format: { duration: string; start_time: string };
  };
  return {
    codec: parsed.streams[0]?.codec_name ?? '',
    durationS: Number(parsed.format.duration),
    startS: Number(parsed.format.start_time),
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-recorder-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Records `units` (captured 100 ms apart from T0) through a hub; answers the finished segments. */
async function record(
  format: 'jpeg' | 'fmp4',
  segmentMs: number,
  init: Uint8Array | null,
  units: { bytes: Uint8Array; key: boolean }[],
): Promise<RecordedSegment[]> {
  const segments: RecordedSegment[] = [];
  const rec = new SegmentRecorder({ dir, segmentMs, format, onSegment: (s) => void segments.push(s) });
  const hub = new StreamHub();
  if (init) hub.setInit(init);
  hub.addViewer(rec);
  units.forEach((u, i) => {
    hub.push({ ...u, capturedAtMs: T0 + i * 100 });
  });
  await rec.stop();
  return segments;
}

describe('cutDue / frameRateOf', () => {
  it('cuts only at a key unit at least one segment length after the start', () => {
    expect(cutDue(1000, { key: true, capturedAtMs: 10_999 }, 10_000)).toBe(false);
    expect(cutDue(1000, { key: true, capturedAtMs: 11_000 }, 10_000)).toBe(true);
    expect(cutDue(1000, { key: false, capturedAtMs: 12_000 }, 10_000)).toBe(false);
  });
  it('gives a rational frame rate and refuses an empty span', () => {
    expect(frameRateOf(100, 10_000)).toBe('100000/10000');
    expect(() => frameRateOf(0, 10_000)).toThrow(/0 frames/);
    expect(() => new SegmentRecorder({ dir, segmentMs: 0, format: 'jpeg', onSegment: () => {} })).toThrow(
      /segmentMs/,
    );
  });
});

describe('SegmentRecorder (Motion-JPEG)', () => {
  it('cuts 25 s of frames into 10 s H.264 segments with the capture times of their frames', async () => {
    const frames = await jpegFrames(25 * FPS);
    const segments = await record(
      'jpeg',
      10_000,
      null,
      frames.map((bytes) => ({ bytes, key: true })),
    );
    expect(segments.map((s) => [s.startMs - T0, s.endMs - T0])).toEqual([
      [0, 10_000],
      [10_000, 20_000],
      [20_000, 25_000],
    ]);
    for (const s of segments) {
      expect(s.file).toBe(path.join(dir, `${s.startMs}.mp4`));
      expect(s.bytes).toBeGreaterThan(1000);
      const p = probe(s.file);
      expect(p.codec).toBe('h264');
      expect(p.durationS).toBeCloseTo((s.endMs - s.startMs) / 1000, 1);
    }
  }, 60_000);

  it('reports an ffmpeg failure instead of indexing a segment', async () => {
    const errors: string[] = [];
    const segments: RecordedSegment[] = [];
    const rec = new SegmentRecorder({
      dir,
      segmentMs: 10_000,
      format: 'jpeg',
      onSegment: (s) => {
        segments.push(s);
      },
      onError: (e) => errors.push(e.message),
    });
    rec.push({ bytes: new Uint8Array([1, 2, 3]), key: true, capturedAtMs: T0 });
    rec.push({ bytes: new Uint8Array([1, 2, 3]), key: true, capturedAtMs: T0 + 100 });
    await rec.stop();
    expect(segments).toEqual([]);
    expect(errors[0]).toMatch(/ffmpeg exited/);
  }, 30_000);
});

describe('SegmentRecorder (fMP4 from the ingest)', () => {
  it('cuts at key fragments and remuxes each segment into an MP4 that starts at 0', async () => {
    // 3.5 s of H.264 at 10 fps, a key frame every second, no B-frames (as live cameras send it).
    const stream = execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10'],
      ...['-t', '3.5', '-c:v', 'libx264', '-g', '10', '-bf', '0', '-pix_fmt', 'yuv420p', '-f', 'mp4'],
      ...['-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1'],
    ]);
    const pieces = new Mp4Splitter().push(stream);
    expect(pieces.init).toBeDefined();
    const units = pieces.fragments.map((bytes) => ({ bytes, key: isKeyFragment(bytes) }));
    const segments = await record('fmp4', 1000, pieces.init!, units);
    expect(segments.map((s) => [s.startMs - T0, s.endMs - T0])).toEqual([
      [0, 1000],
      [1000, 2000],
      [2000, 3000],
      [3000, 3500],
    ]);
    for (const s of segments) {
      const p = probe(s.file);
      expect(p.codec).toBe('h264');
      expect(p.startS).toBeCloseTo(0, 1);
      expect(p.durationS).toBeCloseTo((s.endMs - s.startMs) / 1000, 1);
    }
  }, 60_000);
});

describe('SortieVideo', () => {
  let database: Database;
  const vehicleId = 'veh-1';
  const sortieId = 'sortie-1';
  beforeEach(async () => {
    database = await openTestDatabase(dir);
    const now = new Date(T0);
    await database.db
      .insert(vehicles)
      .values({ id: vehicleId, name: 'V1', serial: 'V-1', model: 'M30', createdAt: now });
    await database.db.insert(sorties).values({
      id: sortieId,
      vehicleId,
      kind: 'on_demand',
      status: 'running',
      startedAt: now,
      createdAt: now,
    });
  });
  afterEach(async () => {
    await database.close();
    await dropTestDatabase(dir);
  });

  it('records the stream while the sortie is open, indexes each segment and sweeps old ones', async () => {
    const hub = new StreamHub();
    const mediaDir = path.join(dir, 'media');
    const store = new LocalMediaStore(mediaDir);
    const spoolDir = path.join(dir, 'spool', 'video');
    const video = new SortieVideo({
      db: database.db,
      store,
      spoolDir,
      config: { enabled: true, segmentS: 2, retentionDays: 7 },
      ffmpegPath: 'ffmpeg',
      streamOf: async (id) =>
        id === vehicleId ? { hub, source: { kind: 'mjpeg', url: 'http://cam' } } : null,
    });
    const frames = await jpegFrames(5 * FPS);
    // A frame from a minute before the sortie, cached by the hub: not part of the recording.
    hub.push({ bytes: frames[0]!, key: true, capturedAtMs: T0 - 60_000 });
    video.start(vehicleId, sortieId);
    video.start('no-such-vehicle', 'sortie-2');
    await new Promise((r) => setTimeout(r, 10));
    expect(hub.viewerCount).toBe(1); // one recorder, however many viewers watch
    frames.forEach((bytes, i) => {
      hub.push({ bytes, key: true, capturedAtMs: T0 + i * 100 });
    });
    await video.stop(sortieId);
    await video.stop('sortie-2');
    expect(hub.viewerCount).toBe(0);
    const rows = await video.segments(sortieId);
    expect(rows.map((r) => [r.startMs - T0, r.endMs - T0, r.file])).toEqual([
      [0, 2000, `video/${sortieId}/${T0}.mp4`],
      [2000, 4000, `video/${sortieId}/${T0 + 2000}.mp4`],
      [4000, 5000, `video/${sortieId}/${T0 + 4000}.mp4`],
    ]);
    for (const r of rows) expect(probe(store.pathOf(r.file)).codec).toBe('h264');
    // Moved out of the spool folder into the store.
    expect(readdirSync(path.join(spoolDir, sortieId))).toEqual([]);

    expect(await video.sweep(T0 + 7 * 86_400_000)).toBe(0);
    expect(await video.sweep(T0 + 7 * 86_400_000 + 4500)).toBe(2);
    expect((await video.segments(sortieId)).map((r) => r.startMs - T0)).toEqual([4000]);
    expect(existsSync(path.join(mediaDir, 'video', sortieId, `${T0}.mp4`))).toBe(false);
    expect(await video.sweep(T0 + 8 * 86_400_000)).toBe(1);
    expect(existsSync(path.join(mediaDir, 'video', sortieId))).toBe(false);
  }, 60_000);
});
