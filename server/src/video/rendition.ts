/**
 * The `sub` rendition (`@aerie/contracts` `VideoRendition`): a lower-resolution copy of a stream
 * for small wall tiles, encoded ONCE per stream, as a second output of the process that already
 * reads the stream (the ingest's ffmpeg; in the bench, the camera stand-in's encoder), never
 * one per viewer.
 *
 * x264 `ultrafast` with `-tune zerolatency` (no B-frames, no lookahead: a frame leaves as soon as
 * it is encoded), constrained baseline (every browser decodes it), and a key frame every half
 * second by the clock (`-force_key_frames`, whatever the frame rate), so a viewer that joins, or
 * lost a frame and waits for a key frame, waits at most half a second, and the cached group a new
 * viewer decodes to reach the live edge is at most half a second long.
 */
import { SUB_RENDITION_SIZE } from '@aerie/contracts';
import { flvOut } from './flv-fmp4.ts';

/** Seconds between key frames of the sub-stream. */
export const SUB_GOP_S = 0.5;

/** ffmpeg output options of the sub-stream: scaled, encoded, written as FLV to `fd`. */
export function subRenditionArgs(
  opts: { fd?: number; size?: { width: number; height: number } } = {},
): string[] {
  const { width, height } = opts.size ?? SUB_RENDITION_SIZE;
  if (
    !(
      Number.isInteger(width) &&
      Number.isInteger(height) &&
      width > 0 &&
      height > 0 &&
      width % 2 === 0 &&
      height % 2 === 0
    )
  )
    throw new Error(`sub-stream size must be even positive integers, got ${width}x${height}`);
  return [
    ...['-map', '0:v:0', '-vf', `scale=${width}:${height}`, '-pix_fmt', 'yuv420p'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-bf', '0'],
    ...['-profile:v', 'baseline', '-sc_threshold', '0'],
    ...['-force_key_frames', `expr:gte(t,n_forced*${SUB_GOP_S})`],
    ...flvOut(opts.fd ?? 3),
  ];
}
