/**
 * Records one stream into fixed-duration MP4 segments: a hub consumer (one per stream, never
 * one per viewer) that cuts at the first key unit at least `segmentMs` after the segment began.
 *
 *  - Motion-JPEG: the segment's frames are kept in memory and, at the cut, piped to ffmpeg that
 *    encodes H.264 MP4 (faststart) at the segment's mean frame rate, so the file lasts exactly
 *    from its first frame to the first frame of the next segment.
 *  - fMP4 (H.264 from the ingest): the init segment and the segment's fragments are remuxed
 *    by ffmpeg (no re-encoding) into an MP4 whose timestamps start at 0.
 *
 * Segment boundaries are a pure function of the capture times (`cutDue`), unit-tested.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { StreamHub, StreamUnit, ViewerSink } from './hub.ts';

/** One finished segment file. */
export interface RecordedSegment {
  startMs: number;
  endMs: number;
  /** Absolute path of the file. */
  file: string;
  bytes: number;
  mime: string;
}

export interface RecorderOptions {
  /** Folder the segment files go to (created on demand). */
  dir: string;
  /** Segment length; a segment is cut at the first key unit this long after it began. */
  segmentMs: number;
  /** Kind of unit the stream carries. */
  format: 'jpeg' | 'fmp4';
  ffmpegPath?: string;
  /** Called once per segment after its file is complete. */
  onSegment: (seg: RecordedSegment) => void | Promise<void>;
  onError?: (err: Error) => void;
}

/** Whether `unit` begins a new segment of a segment that began at `startMs`. */
export function cutDue(
  startMs: number,
  unit: Pick<StreamUnit, 'key' | 'capturedAtMs'>,
  segmentMs: number,
): boolean {
  return unit.key && unit.capturedAtMs - startMs >= segmentMs;
}

/** Frame rate as ffmpeg takes it (a rational), for `frames` frames spread over `spanMs`. */
export function frameRateOf(frames: number, spanMs: number): string {
  if (!(frames > 0 && spanMs > 0)) throw new Error(`frame rate of ${frames} frames over ${spanMs} ms`);
  return `${frames * 1000}/${Math.round(spanMs)}`;
}

interface Pending {
  startMs: number;
  lastMs: number;
  units: StreamUnit[];
}

export class SegmentRecorder implements ViewerSink {
  private init: Uint8Array | null = null;
  private current: Pending | null = null;
  /** Finishes segments one after another (one ffmpeg at a time per stream). */
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Inside `attachTo`: the hub is replaying its cached frames. */
  private attaching = false;

  constructor(private readonly opts: RecorderOptions) {
    if (!(opts.segmentMs > 0)) throw new Error(`segmentMs must be > 0, got ${opts.segmentMs}`);
  }

  /**
   * Subscribes to `hub` as one more consumer. The cached frames a hub replays to a new consumer
   * are skipped (the last one may be long stale when the stream was idle); its init segment is
   * kept. Answers the subscription's removal.
   */
  attachTo(hub: StreamHub): () => void {
    this.attaching = true;
    try {
      return hub.addViewer(this).remove;
    } finally {
      this.attaching = false;
    }
  }

  /** The hub's consumer entry: every unit is taken at once (`written` right away), never dropped. */
  send(unit: StreamUnit, written: () => void): void {
    written();
    this.push(unit);
  }

  push(unit: StreamUnit): void {
    if (this.stopped) return;
    if (unit.seq === -1) {
      // A new init segment (the encoder restarted): what was recorded so far ends here.
      this.flush(null);
      this.init = unit.bytes;
      return;
    }
    if (this.attaching) return;
    const cur = this.current;
    if (!cur) {
      if (!unit.key) return; // a segment must start with a unit a decoder can start from
      this.current = { startMs: unit.capturedAtMs, lastMs: unit.capturedAtMs, units: [unit] };
      return;
    }
    if (unit.capturedAtMs < cur.lastMs) return; // out of order: never goes backwards in a file
    if (cutDue(cur.startMs, unit, this.opts.segmentMs)) {
      this.flush(unit.capturedAtMs);
      this.current = { startMs: unit.capturedAtMs, lastMs: unit.capturedAtMs, units: [unit] };
      return;
    }
    cur.units.push(unit);
    cur.lastMs = unit.capturedAtMs;
  }

  /** Ends the recording: the open segment is written; resolves once every file is done. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.flush(null);
      this.stopped = true;
    }
    await this.queue;
  }

  /** Queues the open segment for writing; `endMs` null: one mean frame period after its last unit. */
  private flush(endMs: number | null): void {
    const seg = this.current;
    this.current = null;
    if (!seg) return;
    const n = seg.units.length;
    const period = n > 1 ? (seg.lastMs - seg.startMs) / (n - 1) : 100;
    const end = endMs ?? seg.lastMs + period;
    const init = this.init;
    this.queue = this.queue
      .then(() => this.write(seg, end, init))
      .catch((err: unknown) => this.opts.onError?.(err instanceof Error ? err : new Error(String(err))));
  }

  private async write(seg: Pending, endMs: number, init: Uint8Array | null): Promise<void> {
    mkdirSync(this.opts.dir, { recursive: true });
    const file = path.join(this.opts.dir, `${seg.startMs}.mp4`);
    const tmp = `${file}.tmp`;
    const ffmpeg = this.opts.ffmpegPath ?? 'ffmpeg';
    if (this.opts.format === 'fmp4') {
      if (!init) throw new Error('fMP4 segment without an init segment');
      // The fragments keep the live stream's decode times: remux so the file starts at 0.
      await runFfmpeg(ffmpeg, REMUX_ARGS, [init, ...seg.units.map((u) => u.bytes)], tmp);
    } else {
      const rate = frameRateOf(seg.units.length, endMs - seg.startMs);
      await runFfmpeg(
        ffmpeg,
        ENCODE_ARGS(rate),
        seg.units.map((u) => u.bytes),
        tmp,
      );
    }
    renameSync(tmp, file);
    await this.opts.onSegment({
      startMs: seg.startMs,
      endMs,
      file,
      bytes: statSync(file).size,
      mime: 'video/mp4',
    });
  }
}

const MP4_OUT = ['-movflags', '+faststart', '-f', 'mp4', '-y'];

/** JPEG frames spread evenly at `rate` frames a second -> H.264 MP4. */
const ENCODE_ARGS = (rate: string) => [
  ...['-f', 'image2pipe', '-c:v', 'mjpeg', '-framerate', rate, '-i', 'pipe:0'],
  ...['-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2', '-c:v', 'libx264', '-preset', 'veryfast'],
  ...['-pix_fmt', 'yuv420p', ...MP4_OUT],
];

/** Fragmented MP4 (init + fragments) -> MP4 with the same H.264, timestamps from 0. */
const REMUX_ARGS = ['-f', 'mp4', '-i', 'pipe:0', '-c', 'copy', '-avoid_negative_ts', 'make_zero', ...MP4_OUT];

/** Runs ffmpeg with `chunks` on its stdin, writing `out`. */
function runFfmpeg(ffmpeg: string, args: string[], chunks: Uint8Array[], out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', ...args, out], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('error', (err) => reject(new Error(`${ffmpeg}: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${ffmpeg} exited with ${code} writing ${out}: ${stderr.trim()}`));
    });
    child.stdin.on('error', () => {}); // the exit code tells what went wrong
    for (const c of chunks) child.stdin.write(c);
    child.stdin.end();
  });
}
