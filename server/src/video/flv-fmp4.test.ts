import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlvToFmp4, spsPictureSize } from './flv-fmp4.ts';
import { accessUnitOf, codecOfInit, isKeyFragment, mdatPayload, parameterSetsOfInit } from './h264.ts';

/** 2 s of a 320x180 (cropped from 320x192 macroblocks) H.264 test pattern at 10 fps as FLV. */
function flvTestPattern(profile = 'baseline'): Buffer {
  return execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=10'],
    ...['-t', '2', '-c:v', 'libx264', '-profile:v', profile, '-g', '10', '-bf', '0'],
    ...['-pix_fmt', 'yuv420p', '-f', 'flv', 'pipe:1'],
  ]);
}

/** An FLV stream of the given tags (type, timestamp, body). */
function flv(tags: [number, number, number[]][]): Buffer {
  const parts = [Buffer.from([0x46, 0x4c, 0x56, 1, 1, 0, 0, 0, 9, 0, 0, 0, 0])];
  for (const [type, ts, body] of tags) {
    const head = Buffer.alloc(11);
    head[0] = type;
    head.writeUIntBE(body.length, 1, 3);
    head.writeUIntBE(ts & 0xffffff, 4, 3);
    head[7] = ts >>> 24;
    const prev = Buffer.alloc(4);
    prev.writeUInt32BE(11 + body.length);
    parts.push(head, Buffer.from(body), prev);
  }
  return Buffer.concat(parts);
}

describe('FLV to fragmented MP4', () => {
  it('turns every frame into its own fragment as soon as its tag is complete, whatever the chunking', () => {
    const stream = flvTestPattern();
    const whole = new FlvToFmp4().push(stream);
    expect(whole.init).toBeDefined();
    expect(whole.fragments).toHaveLength(20);
    expect(whole.fragments.map(isKeyFragment).filter(Boolean)).toHaveLength(2);
    expect(isKeyFragment(whole.fragments[0]!)).toBe(true);
    // Each fragment's decode time (the FLV tag's), to pair a sub-stream frame with its source frame.
    expect(whole.decodeTimesMs).toHaveLength(20);
    expect(whole.decodeTimesMs.slice(1).every((t, i) => t > whole.decodeTimesMs[i]!)).toBe(true);
    expect(codecOfInit(whole.init!)).toBe('avc1.42c00b');
    // The SPS and PPS come out of the init segment for WebRTC, in front of key frames.
    const ps = parameterSetsOfInit(whole.init!);
    expect(ps[4]! & 0x1f).toBe(7);
    expect(accessUnitOf(whole.fragments[0]!, ps).subarray(0, ps.length)).toEqual(ps);

    // 7-byte chunks: each fragment appears with the chunk that completes its tag, not later.
    const conv = new FlvToFmp4();
    const got: Uint8Array[] = [];
    let initAt = -1;
    for (let at = 0; at < stream.length; at += 7) {
      const p = conv.push(stream.subarray(at, at + 7));
      if (p.init) initAt = at;
      got.push(...p.fragments);
    }
    expect(initAt).toBeGreaterThanOrEqual(0);
    expect(got.map((f) => Buffer.from(f).toString('hex'))).toEqual(
      whole.fragments.map((f) => Buffer.from(f).toString('hex')),
    );
  });

  it('writes MP4 that ffmpeg decodes frame by frame at the picture size of the SPS', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aerie-flv-'));
    try {
      for (const profile of ['baseline', 'high']) {
        const p = new FlvToFmp4().push(flvTestPattern(profile));
        const file = path.join(dir, `${profile}.mp4`);
        writeFileSync(file, Buffer.concat([p.init!, ...p.fragments]));
        const probe = execFileSync('ffprobe', [
          ...['-v', 'error', '-select_streams', 'v:0', '-count_frames'],
          ...['-show_entries', 'stream=width,height,nb_read_frames', '-of', 'csv=p=0', file],
        ])
          .toString()
          .trim();
        expect(probe, profile).toBe('320,180,20');
        // Decode times: 100 ms apart (timescale 1000).
        const times = execFileSync('ffprobe', [
          ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=dts'],
          ...['-of', 'csv=p=0', file],
        ])
          .toString()
          .trim()
          .split('\n')
          .map(Number);
        expect(times.slice(0, 3)).toEqual([0, 100, 200]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the picture size of an SPS, with emulation prevention bytes and cropping', () => {
    // x264's: 1280x720 baseline (80x45 macroblocks); 1920x1080 high (120x68, cropped by 8
    // lines); 1366x768 main (86x48, cropped by 10 columns).
    const size = (hex: string) => spsPictureSize(Buffer.from(hex, 'hex'));
    expect(size('6742c01fd9005005bb011000000300100000030140f1832480')).toEqual({ width: 1280, height: 720 });
    expect(size('67640028acd940780227e5c044000003000400000300503c60c658')).toEqual({
      width: 1920,
      height: 1080,
    });
    expect(size('674d4020eca02b030f378088000003000800000300a078c18cb0')).toEqual({
      width: 1366,
      height: 768,
    });
    expect(() => spsPictureSize(Buffer.from([0x67, 0x42]))).toThrow(/SPS is cut short/);
  });

  it('says what is wrong with a stream it cannot take', () => {
    expect(() => new FlvToFmp4().push(Buffer.from('not an flv stream at all'))).toThrow(/FLV header/);
    // Codec id 12 (HEVC by some muxers), a key frame.
    expect(() => new FlvToFmp4().push(flv([[9, 0, [0x1c, 1, 0, 0, 0, 1]]]))).toThrow(/not H\.264.*12/);
    // An AVC sequence header with 2-byte NAL unit lengths.
    expect(() =>
      new FlvToFmp4().push(flv([[9, 0, [0x17, 0, 0, 0, 0, 1, 0x42, 0xc0, 0x1f, 0xfd, 0xe1, 0]]])),
    ).toThrow(/2 bytes/);
    // Frames before a sequence header, audio and script tags are skipped.
    const p = new FlvToFmp4().push(
      flv([
        [8, 0, [0xaf, 1, 1, 2]],
        [18, 0, [2, 0, 1, 0x41]],
        [9, 0, [0x17, 1, 0, 0, 0, 0, 0, 0, 2, 0x65, 0]],
      ]),
    );
    expect(p).toEqual({ fragments: [], decodeTimesMs: [] });
    expect(mdatPayload(Buffer.alloc(0))).toBeNull();
  });
});
