import { describe, expect, it } from 'vitest';
import { codecOfInit, isKeyFragment } from './h264.ts';
import { backoffMs, ffmpegArgs, MultipartJpegReader } from './ingest.ts';
import { Mp4Splitter } from './mp4-boxes.ts';
import { subRenditionArgs } from './rendition.ts';
import { box } from './test-boxes.ts';
import { parseSourceUrl } from './video-service.ts';

/** An mdat with one length-prefixed NAL unit of the given type. */
const mdat = (nalType: number) => box('mdat', [0, 0, 0, 2, 0x60 | nalType, 0]);

describe('video ingest pieces', () => {
  it('backs off from 0.5 s doubling to at most 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map(backoffMs)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('reads Motion-JPEG parts and their capture times across chunk borders', () => {
    const part = (bytes: number[], at: number) =>
      Buffer.concat([
        Buffer.from(
          `--aerieframe\r\nContent-Type: image/jpeg\r\nContent-Length: ${bytes.length}\r\nX-Captured-At-Ms: ${at}\r\n\r\n`,
        ),
        Buffer.from(bytes),
        Buffer.from('\r\n'),
      ]);
    const all = Buffer.concat([
      part([0xff, 0xd8, 1, 0xff, 0xd9], 1000),
      part([0xff, 0xd8, 2, 3, 0xff, 0xd9], 1083),
    ]);
    const r = new MultipartJpegReader();
    const got = [
      ...r.push(all.subarray(0, 70)),
      ...r.push(all.subarray(70, 101)),
      ...r.push(all.subarray(101)),
    ];
    expect(got.map((p) => [p.capturedAtMs, [...p.jpeg]])).toEqual([
      [1000, [0xff, 0xd8, 1, 0xff, 0xd9]],
      [1083, [0xff, 0xd8, 2, 3, 0xff, 0xd9]],
    ]);
    expect(() =>
      new MultipartJpegReader().push(Buffer.from('--x\r\nContent-Type: image/jpeg\r\n\r\n')),
    ).toThrow(/without Content-Length/);
  });

  it('splits fragmented MP4 into init and fragments and tells key fragments by their IDR', () => {
    const avcC = box('avcC', [1, 0x42, 0xc0, 0x1f, 0xff]);
    const init = Buffer.concat([box('ftyp', [1, 2]), box('moov', [...avcC])]);
    const key = Buffer.concat([box('moof', [0]), mdat(5)]);
    const delta = Buffer.concat([box('moof', [0]), mdat(1)]);
    const s = new Mp4Splitter();
    const stream = Buffer.concat([init, key, delta]);
    const a = s.push(stream.subarray(0, 30));
    const b = s.push(stream.subarray(30));
    expect(a.fragments).toEqual([]);
    expect(Buffer.from(b.init ?? a.init ?? []).equals(init)).toBe(true);
    expect(b.fragments.map(isKeyFragment)).toEqual([true, false]);
    expect(codecOfInit(init)).toBe('avc1.42c01f');
    expect(codecOfInit(box('moov', [1, 2, 3]))).toBeUndefined();
  });

  it('knows its sources by URL, and says what is wrong with one it does not take', () => {
    expect(parseSourceUrl('http://127.0.0.1:9000/camera/3.mjpeg')).toEqual({
      kind: 'mjpeg',
      url: 'http://127.0.0.1:9000/camera/3.mjpeg',
    });
    expect(parseSourceUrl('rtsp://0.0.0.0:8554/dock1?listen')).toEqual({
      kind: 'ffmpeg',
      url: 'rtsp://0.0.0.0:8554/dock1',
      listen: true,
    });
    expect(() => parseSourceUrl('file:///etc/passwd')).toThrow(/expected rtsp/);
    const pull = ffmpegArgs({ kind: 'ffmpeg', url: 'rtsp://cam/live' });
    expect(pull.join(' ')).toMatch(/-rtsp_transport tcp -i rtsp:\/\/cam\/live -an -c:v copy/);
    expect(ffmpegArgs({ kind: 'ffmpeg', url: 'rtsp://0.0.0.0:1/x', listen: true })).toContain('listen');
  });

  it('makes the sub-stream once in the same child: the camera sub-stream copied, else 640x360 encoded', () => {
    const made = ffmpegArgs({ kind: 'ffmpeg', url: 'rtsp://cam/live' }, { sub: true }).join(' ');
    expect(made).toMatch(/-i rtsp:\/\/cam\/live -map 0:v:0 -c:v copy -flush_packets 1 -f flv pipe:1 /);
    expect(made).toMatch(
      /-map 0:v:0 -vf scale=640:360 .*-c:v libx264 .*-force_key_frames expr:gte\(t,n_forced\*0.5\) .*pipe:3$/,
    );
    expect(made.match(/-i /g)).toHaveLength(1);
    const copied = ffmpegArgs(
      { kind: 'ffmpeg', url: 'rtsp://dock/main', subUrl: 'rtsp://dock/sub' },
      { sub: true },
    ).join(' ');
    expect(copied).toMatch(/-i rtsp:\/\/dock\/main .*-i rtsp:\/\/dock\/sub /);
    expect(copied).toMatch(/-map 1:v:0 -c:v copy -flush_packets 1 -f flv pipe:3$/);
    expect(copied).not.toMatch(/libx264/);
    expect(() => subRenditionArgs({ size: { width: 641, height: 360 } })).toThrow(
      /even positive integers, got 641x360/,
    );
  });
});
