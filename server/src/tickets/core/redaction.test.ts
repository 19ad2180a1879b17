import { describe, expect, it } from 'vitest';
import { blurSigma, evidenceAccess, isScreenable, redactionRegions } from './redaction.ts';

describe('redaction regions', () => {
  const img = { width: 200, height: 100 };

  it('pads each person box by a fraction of its larger side, at least a few pixels, in whole pixels', () => {
    expect(redactionRegions([[50, 20, 10, 30]], img)).toEqual([{ left: 44, top: 14, width: 22, height: 42 }]);
    // 0.2 x 40 = 8 px of padding.
    expect(redactionRegions([[100.5, 40, 40, 20]], img, { padFraction: 0.2 })).toEqual([
      { left: 92, top: 32, width: 57, height: 36 },
    ]);
  });

  it('clips to the image and drops boxes outside it or without area', () => {
    expect(redactionRegions([[-20, -20, 30, 30]], img)).toEqual([{ left: 0, top: 0, width: 16, height: 16 }]);
    expect(redactionRegions([[190, 90, 30, 30]], img)).toEqual([
      { left: 184, top: 84, width: 16, height: 16 },
    ]);
    expect(
      redactionRegions(
        [
          [500, 10, 10, 10],
          [10, 10, 0, 10],
          [10, 10, Number.NaN, 10],
        ],
        img,
      ),
    ).toEqual([]);
  });

  it('refuses an image size that is not a positive integer size', () => {
    expect(() => redactionRegions([[0, 0, 1, 1]], { width: 0, height: 10 })).toThrow(/0x10/);
  });

  it('blurs harder for larger regions, within bounds', () => {
    expect(blurSigma({ left: 0, top: 0, width: 10, height: 10 })).toBe(6);
    expect(blurSigma({ left: 0, top: 0, width: 100, height: 200 })).toBeCloseTo(24);
    expect(blurSigma({ left: 0, top: 0, width: 5000, height: 10 })).toBe(80);
  });
});

describe('who sees which evidence file', () => {
  const e = (screening: string, kind = 'frame', redactedSeq: number | null = null) => ({
    kind,
    screening,
    redactedSeq,
  });

  it('gives originals to evidence.original holders whatever the screening', () => {
    for (const s of ['pending', 'clear', 'blurred', 'not_screened'])
      expect(evidenceAccess(e(s, 'frame', 9), true)).toBe('original');
  });

  it('gives others the original only when nobody was found, the derivative when someone was blurred', () => {
    expect(evidenceAccess(e('clear'), false)).toBe('original');
    expect(evidenceAccess(e('blurred', 'frame', 9), false)).toBe('redacted');
    expect(evidenceAccess(e('not_applicable', 'redacted'), false)).toBe('original');
  });

  it('gives others a notice, never the original, while unscreened', () => {
    expect(evidenceAccess(e('pending'), false)).toBe('notice');
    expect(evidenceAccess(e('not_screened'), false)).toBe('notice');
    expect(evidenceAccess(e('not_screened', 'proof'), false)).toBe('notice');
    // Blurred without a derivative on record: a broken row is not a reason to show the original.
    expect(evidenceAccess(e('blurred'), false)).toBe('notice');
  });

  it('screens still images only', () => {
    expect(isScreenable('image/jpeg')).toBe(true);
    expect(isScreenable('image/webp')).toBe(true);
    expect(isScreenable('video/mp4')).toBe(false);
  });
});
