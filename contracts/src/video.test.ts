import { describe, expect, it } from 'vitest';
import { capturedAtOfRtp, parseRendition, rtpTimestampOfMs, wallRendition } from './video.ts';

describe('RTP timestamps carry the capture time', () => {
  it('round-trips a capture time through the 90 kHz clock, across the 32-bit wrap', () => {
    const at = 1_780_000_000_123;
    expect(capturedAtOfRtp(rtpTimestampOfMs(at), at + 87)).toBeCloseTo(at, 5);
    // Find a capture time just before the clock wraps and read it just after.
    const wrapAt = Math.ceil((Math.ceil((at * 90) / 2 ** 32) * 2 ** 32) / 90);
    const before = wrapAt - 5;
    expect(rtpTimestampOfMs(before + 10)).toBeLessThan(rtpTimestampOfMs(before));
    expect(capturedAtOfRtp(rtpTimestampOfMs(before), before + 10)).toBeCloseTo(before, 5);
    expect(rtpTimestampOfMs(at)).toBeLessThan(2 ** 32);
  });
});

describe('renditions', () => {
  it('the wall takes full resolution for one tile and the sub-stream from 4 tiles on', () => {
    expect([1, 4, 9, 16].map(wallRendition)).toEqual(['main', 'sub', 'sub', 'sub']);
    expect(wallRendition(2)).toBe('main');
    expect(() => wallRendition(0)).toThrow(/positive integer, got 0/);
    expect(() => wallRendition(2.5)).toThrow(/positive integer/);
  });

  it('reads a requested rendition, main when absent, and names a bad one', () => {
    expect(parseRendition(null)).toBe('main');
    expect(parseRendition('')).toBe('main');
    expect(parseRendition('sub')).toBe('sub');
    expect(() => parseRendition('low')).toThrow(/one of main, sub, got 'low'/);
  });
});
