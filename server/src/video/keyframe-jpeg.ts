/**
 * A JPEG of an H.264 stream's newest key frame, for snapshots: the key fragment's access unit
 * with the init segment's SPS and PPS in front, as an Annex B stream on ffmpeg's stdin, one JPEG
 * on its stdout (Debian's ffmpeg, a child process: nothing is decoded in the server itself).
 */
import { spawn } from 'node:child_process';
import { accessUnitOf, annexBOf, isKeyFragment, parameterSetsOfInit } from './h264.ts';

export interface KeyFrameJpegOptions {
  /** The stream's fMP4 init segment (its avcC holds SPS and PPS). */
  init: Uint8Array;
  /** A fragment that starts with a key frame. */
  fragment: Uint8Array;
  ffmpegPath: string;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** JPEG quality on ffmpeg's 2 (best) to 31 scale (default 3). */
  quality?: number;
}

/** The Annex B bytes ffmpeg decodes: parameter sets, then the key frame's NAL units. */
export function keyFrameAnnexB(init: Uint8Array, fragment: Uint8Array): Uint8Array {
  if (!isKeyFragment(fragment)) throw new Error('h264: the fragment does not start with a key frame');
  return annexBOf(accessUnitOf(fragment, parameterSetsOfInit(init)));
}

/** Decodes one key frame to a JPEG; rejects naming what went wrong (ffmpeg's own words included). */
export function jpegOfKeyFrame(opts: KeyFrameJpegOptions): Promise<Buffer> {
  let input: Uint8Array;
  try {
    input = keyFrameAnnexB(opts.init, opts.fragment);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(
      opts.ffmpegPath,
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'h264', '-i', 'pipe:0'],
        ...[
          '-frames:v',
          '1',
          '-c:v',
          'mjpeg',
          '-q:v',
          String(opts.quality ?? 3),
          '-f',
          'image2pipe',
          'pipe:1',
        ],
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ffmpeg did not decode the key frame within ${opts.timeoutMs ?? 10_000} ms`));
    }, opts.timeoutMs ?? 10_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ffmpeg (${opts.ffmpegPath}): ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const jpeg = Buffer.concat(out);
      if (code === 0 && jpeg[0] === 0xff && jpeg[1] === 0xd8) resolve(jpeg);
      else
        reject(
          new Error(
            `ffmpeg could not decode the key frame (exit ${code}): ${Buffer.concat(err).toString().trim() || 'no image'}`,
          ),
        );
    });
    // A decoder that exits early closes stdin; its exit code says why.
    child.stdin.on('error', () => {});
    child.stdin.end(Buffer.from(input));
  });
}
