/**
 * Live video over WebRTC: the RTP timestamp of a frame is its capture time (epoch ms) on the
 * 90 kHz video clock, modulo 2^32. The server sets it (server/src/video/whep.ts); the console
 * reads a frame's capture time back from `requestVideoFrameCallback`'s `rtpTimestamp`, with no
 * side channel. The clock wraps every 13.25 hours, far longer than any frame is late.
 */

export const RTP_VIDEO_CLOCK_HZ = 90_000;

/** The frame's capture time (epoch ms) on the RTP 90 kHz clock, modulo 2^32. */
export function rtpTimestampOfMs(capturedAtMs: number): number {
  return Math.round(capturedAtMs * (RTP_VIDEO_CLOCK_HZ / 1000)) % 2 ** 32;
}

/**
 * The capture time (epoch ms) of a frame with this RTP timestamp, given a clock reading taken
 * after it was captured.
 */
export function capturedAtOfRtp(rtpTimestamp: number, nowMs: number): number {
  const behind = (((rtpTimestampOfMs(nowMs) - rtpTimestamp) % 2 ** 32) + 2 ** 32) % 2 ** 32;
  return nowMs - behind / (RTP_VIDEO_CLOCK_HZ / 1000);
}
