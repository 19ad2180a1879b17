import { describe, expect, it } from 'vitest';
import { annexBOf } from './h264.ts';
import { jpegOfKeyFrame, keyFrameAnnexB } from './keyframe-jpeg.ts';

const lp = (...units: number[][]) =>
  Uint8Array.from(units.flatMap((u) => [0, 0, (u.length >> 8) & 0xff, u.length & 0xff, ...u]));

describe('key frames for ffmpeg', () => {
  it('turns length-prefixed NAL units into an Annex B stream', () => {
    expect([...annexBOf(lp([0x67, 1, 2], [0x68, 3], [0x65, 4, 5, 6]))]).toEqual([
      0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5, 6,
    ]);
    expect(() => annexBOf(Uint8Array.from([0, 0, 0, 9, 1]))).toThrow(/runs past the end/);
    expect(() => annexBOf(Uint8Array.from([0, 0]))).toThrow(/cut short/);
  });

  it('refuses what is not a key frame before running ffmpeg', async () => {
    expect(() => keyFrameAnnexB(new Uint8Array(16), new Uint8Array(16))).toThrow(/key frame|mdat/);
    await expect(
      jpegOfKeyFrame({ init: new Uint8Array(16), fragment: new Uint8Array(16), ffmpegPath: 'ffmpeg' }),
    ).rejects.toThrow(/key frame|mdat/);
  });
});
