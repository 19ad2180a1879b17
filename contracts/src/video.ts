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

/**
 * A stream's renditions: `main` is what the camera sends (1280x720 and up); `sub` is a
 * lower-resolution copy for small tiles (the camera's own sub-stream where it offers one,
 * otherwise made once per stream by the server's ingest), so a wall of many tiles does not
 * decode many full-resolution pictures.
 */
export type VideoRendition = 'main' | 'sub';

export const VIDEO_RENDITIONS: readonly VideoRendition[] = ['main', 'sub'];

/** Picture size of the `sub` rendition the server makes when the camera offers none. */
export const SUB_RENDITION_SIZE = { width: 640, height: 360 } as const;

/** The wall takes the sub-stream from this many tiles on. */
export const SUB_RENDITION_FROM_TILES = 4;

/**
 * The rendition a video wall of `tiles` tiles asks for: full resolution for one tile (and the
 * vehicle panel), the sub-stream for 4, 9 or 16. Throws on a tile count that is not a positive
 * integer.
 */
export function wallRendition(tiles: number): VideoRendition {
  if (!Number.isInteger(tiles) || tiles < 1)
    throw new Error(`video wall: tile count must be a positive integer, got ${tiles}`);
  return tiles >= SUB_RENDITION_FROM_TILES ? 'sub' : 'main';
}

/** A rendition named in a request (`?rendition=`); absent means `main`. Throws naming a bad one. */
export function parseRendition(value: string | null | undefined): VideoRendition {
  if (value === null || value === undefined || value === '') return 'main';
  if ((VIDEO_RENDITIONS as readonly string[]).includes(value)) return value as VideoRendition;
  throw new Error(`video rendition must be one of ${VIDEO_RENDITIONS.join(', ')}, got '${value}'`);
}
