/**
 * Ingest: one supervised source per watched stream, feeding the stream hub with what the
 * camera encoded, never transcoded:
 *
 *  - `mjpeg`: a Motion-JPEG over HTTP camera (the simulated cameras; many IP cameras): the
 *    server reads the parts and passes each JPEG on with its capture time (`X-Captured-At-Ms`).
 *    An H.264 encoder here would cost CPU per stream and, through ffmpeg's JPEG demuxer and MP4
 *    muxer, two frame periods of delay.
 *  - `ffmpeg`: a supervised ffmpeg child for any URL ffmpeg opens, e.g. `rtsp://camera/stream` (pull, over TCP) or
 *    `rtsp://0.0.0.0:8554/dock1` with `listen` (the camera or dock pushes to us), RTMP alike.
 *    H.264 is copied, not re-encoded, into FLV, which `FlvToFmp4` turns into one fMP4 fragment
 *    per frame the moment the frame is out (ffmpeg's own fMP4 held each frame until the next
 *    one); a frame's capture time is when its fragment arrived.
 *    With a `subHub`, the same child also writes the wall-tile rendition to fd 3: the camera's
 *    own sub-stream copied when the source names one (`subUrl`, a second input), otherwise the
 *    main stream scaled to 640x360 and encoded once here (`subRenditionArgs`), never per viewer.
 *    A sub frame carries the capture time of the main frame with its decode time (so its age
 *    counts the re-encode), or its own arrival when there is none (a camera's own sub-stream).
 *
 * Supervision: when the child exits or goes silent for `stallMs` (15 s before its first frame), the stream shows "no
 * signal" and the hub forgets its cached frames (a new viewer must not see a frozen picture);
 * the child is started again after a backoff (0.5 s doubling to 10 s, back to 0.5 s after a
 * run that delivered frames for 10 s).
 *
 *   Idle --start--> Starting --first fragment--> Live --exit/stall--> NoSignal --backoff--> Starting
 *        <--stop-- (any state)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { FLV_OUT, FlvToFmp4, flvOut } from './flv-fmp4.ts';
import { codecOfInit, isKeyFragment } from './h264.ts';
import type { StreamHub } from './hub.ts';
import { subRenditionArgs } from './rendition.ts';

export type VideoSource =
  | { kind: 'mjpeg'; url: string }
  | {
      kind: 'ffmpeg';
      url: string;
      listen?: boolean;
      /** The camera's own lower-resolution stream (e.g. a dock's sub-stream), copied as the `sub` rendition. */
      subUrl?: string;
    };

export type SignalState = 'starting' | 'live' | 'no-signal';

export interface IngestOptions {
  source: VideoSource;
  hub: StreamHub;
  /** The `sub` rendition's hub (ffmpeg sources only): fed from the child's fd 3. */
  subHub?: StreamHub;
  /** Called on every state change, with the MSE codec string once known. */
  onState?: (state: SignalState, codec: string | undefined) => void;
  /** Silence after which the source counts as lost; default 3000 ms. */
  stallMs?: number;
  ffmpegPath?: string;
  log?: (line: string) => void;
}

/** How long a new child may take to its first frame (ffmpeg starts slowly on a busy machine). */
const STARTUP_MS = 15_000;

/** Restart delay after `attempt` failed starts in a row. */
export function backoffMs(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
}

function inputArgs(url: string, listen: boolean): string[] {
  const opts = url.startsWith('rtsp')
    ? ['-rtsp_transport', 'tcp', ...(listen ? ['-rtsp_flags', 'listen'] : [])]
    : listen
      ? ['-listen', '1']
      : [];
  return [...opts, '-i', url];
}

/**
 * The ingest child's arguments: the main stream copied to stdout; with `sub`, the wall-tile
 * rendition on fd 3 (the source's `subUrl` copied, else the main stream scaled and encoded once).
 */
export function ffmpegArgs(
  source: Extract<VideoSource, { kind: 'ffmpeg' }>,
  opts: { sub?: boolean } = {},
): string[] {
  const main = [
    ...['-hide_banner', '-loglevel', 'error', '-fflags', 'nobuffer', '-flags', 'low_delay'],
    ...inputArgs(source.url, source.listen === true),
  ];
  if (!opts.sub) return [...main, ...['-an', '-c:v', 'copy'], ...FLV_OUT];
  if (source.subUrl)
    return [
      ...main,
      ...['-fflags', 'nobuffer', ...inputArgs(source.subUrl, false)],
      ...['-map', '0:v:0', '-c:v', 'copy'],
      ...FLV_OUT,
      ...['-map', '1:v:0', '-c:v', 'copy'],
      ...flvOut(3),
    ];
  return [...main, ...['-map', '0:v:0', '-c:v', 'copy'], ...FLV_OUT, ...subRenditionArgs({ fd: 3 })];
}

/** Splits a Motion-JPEG multipart body into its parts and their capture times. */
export class MultipartJpegReader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): { jpeg: Buffer; capturedAtMs: number | undefined }[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: { jpeg: Buffer; capturedAtMs: number | undefined }[] = [];
    for (;;) {
      const headEnd = this.buf.indexOf('\r\n\r\n');
      if (headEnd < 0) break;
      const head = this.buf.subarray(0, headEnd).toString('latin1');
      const len = Number(/content-length:\s*(\d+)/i.exec(head)?.[1]);
      if (!Number.isFinite(len)) throw new Error('Motion-JPEG part without Content-Length');
      if (this.buf.length < headEnd + 4 + len) break;
      const at = /x-captured-at-ms:\s*(\d+(?:\.\d+)?)/i.exec(head)?.[1];
      out.push({
        jpeg: this.buf.subarray(headEnd + 4, headEnd + 4 + len),
        capturedAtMs: at ? Number(at) : undefined,
      });
      this.buf = this.buf.subarray(headEnd + 4 + len);
      // Skip the CRLF before the next boundary line.
      while (this.buf.length >= 2 && this.buf[0] === 13 && this.buf[1] === 10)
        this.buf = this.buf.subarray(2);
    }
    return out;
  }
}

export class Ingest {
  private child: ChildProcess | null = null;
  /** Bumped whenever a source session ends, so late callbacks of an old one do nothing. */
  private session = 0;
  private abortHttp: (() => void) | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private running = false;
  private liveSince: number | null = null;
  private codec: string | undefined;
  state: SignalState = 'starting';
  /** The source's sub-stream (`subUrl`) would not open: the sub-stream is encoded from the main one. */
  private subCopyFailed = false;
  /** Children started so far (1 + restarts). */
  starts = 0;

  constructor(private readonly opts: IngestOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.launch();
  }

  stop(): void {
    this.running = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.teardown();
  }

  private setState(s: SignalState): void {
    if (this.state === s) return;
    this.state = s;
    this.opts.onState?.(s, this.codec);
  }

  private teardown(): void {
    this.session++;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    this.abortHttp?.();
    this.abortHttp = null;
    const c = this.child;
    this.child = null;
    if (c && c.exitCode === null) c.kill('SIGKILL');
  }

  private armStall(gotFrames = true): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(
      () => {
        // A listening ffmpeg waits for the camera to push: no signal, but nothing to restart.
        const source = this.opts.source;
        if (!gotFrames && source.kind === 'ffmpeg' && source.listen) this.setState('no-signal');
        else this.lost('no frames');
      },
      gotFrames ? (this.opts.stallMs ?? 3000) : Math.max(this.opts.stallMs ?? 3000, STARTUP_MS),
    );
  }

  private lost(why: string): void {
    if (!this.running) return;
    this.teardown();
    this.opts.hub.reset();
    this.opts.subHub?.reset();
    this.setState('no-signal');
    if (this.liveSince !== null && Date.now() - this.liveSince >= 10_000) this.attempt = 0;
    this.liveSince = null;
    const delay = backoffMs(this.attempt++);
    this.opts.log?.(`video ingest: ${why}; restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.running) this.launch();
    }, delay);
  }

  private markLive(): void {
    if (this.state !== 'live') {
      this.liveSince = Date.now();
      this.setState('live');
      // A state with the codec for viewers that joined before it was known.
      this.opts.onState?.('live', this.codec);
    }
    this.armStall();
  }

  private launch(): void {
    const { source, hub } = this.opts;
    this.starts++;
    if (source.kind === 'mjpeg') {
      this.pullMjpeg(source.url);
      return;
    }
    const subHub = this.opts.subHub;
    // A camera sub-stream that would not open must not cost the main stream: after a child that
    // copied one died before its first frame, the ingest makes the sub-stream itself.
    const copiesSub = source.subUrl !== undefined && !this.subCopyFailed;
    const { subUrl: _unused, ...withoutSub } = source;
    const child = spawn(
      this.opts.ffmpegPath ?? 'ffmpeg',
      ffmpegArgs(copiesSub ? source : withoutSub, { sub: subHub !== undefined }),
      { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] },
    );
    this.child = child;
    let framesOut = 0;
    /** Capture times of recent main frames by their decode time, for the sub frames made from them. */
    const capturedByDts = new Map<number, number>();
    if (subHub) {
      // The sub-stream is a second output: it never decides the signal (the main stream does).
      const subSplit = new FlvToFmp4();
      child.stdio[3]?.on('data', (chunk: Buffer) => {
        if (this.child !== child) return;
        let pieces: ReturnType<FlvToFmp4['push']>;
        try {
          pieces = subSplit.push(chunk);
        } catch (err) {
          this.lost(`sub-stream: ${(err as Error).message}`);
          return;
        }
        if (pieces.init) subHub.setInit(pieces.init);
        pieces.fragments.forEach((f, i) => {
          const capturedAtMs = capturedByDts.get(pieces.decodeTimesMs[i]!) ?? Date.now();
          subHub.push({ bytes: f, key: isKeyFragment(f), capturedAtMs });
        });
      });
    }
    const split = new FlvToFmp4();
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.stdin!.on('error', () => {});
    child.on('error', (err) => this.child === child && this.lost(`ffmpeg: ${err.message}`));
    child.on('exit', (code) => {
      if (this.child !== child) return;
      if (copiesSub && subHub && framesOut === 0) {
        this.subCopyFailed = true;
        this.opts.log?.(
          `video ingest: the camera sub-stream ${source.subUrl} did not open; encoding one instead`,
        );
      }
      this.lost(`ffmpeg exited (${code}) ${stderr.trim().split('\n').pop() ?? ''}`);
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      if (this.child !== child) return;
      let pieces: ReturnType<FlvToFmp4['push']>;
      try {
        pieces = split.push(chunk);
      } catch (err) {
        this.lost((err as Error).message);
        return;
      }
      if (pieces.init) {
        this.codec = codecOfInit(pieces.init);
        hub.setInit(pieces.init);
      }
      pieces.fragments.forEach((f, i) => {
        const capturedAtMs = Date.now();
        if (subHub) {
          capturedByDts.set(pieces.decodeTimesMs[i]!, capturedAtMs);
          if (capturedByDts.size > 300) capturedByDts.delete(capturedByDts.keys().next().value!);
        }
        hub.push({ bytes: f, key: isKeyFragment(f), capturedAtMs });
        framesOut++;
        this.markLive();
      });
    });
    this.armStall(false);
  }

  private pullMjpeg(url: string): void {
    const session = ++this.session;
    const current = () => session === this.session && this.running;
    this.codec = 'jpeg';
    const reader = new MultipartJpegReader();
    const req = request(url, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        if (current()) this.lost(`camera answered ${res.statusCode}`);
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (!current()) return;
        let parts: ReturnType<MultipartJpegReader['push']>;
        try {
          parts = reader.push(chunk);
        } catch (err) {
          this.lost((err as Error).message);
          return;
        }
        for (const p of parts) {
          this.opts.hub.push({ bytes: p.jpeg, key: true, capturedAtMs: p.capturedAtMs ?? Date.now() });
          this.markLive();
        }
      });
      res.on('end', () => current() && this.lost('camera closed the stream'));
    });
    req.on('error', (err) => current() && this.lost(`camera: ${err.message}`));
    req.end();
    this.abortHttp = () => req.destroy();
    this.armStall(false);
  }
}
