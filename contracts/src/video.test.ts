import { describe, expect, it } from 'vitest';
import { capturedAtOfRtp, rtpTimestampOfMs } from './video.ts';

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
