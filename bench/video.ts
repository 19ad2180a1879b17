/**
 * Video: three ways of getting live video from Aerie to the console, side by side, on loopback
 * into Debian's headless chromium. One ingest per stream, fanned out by the server's
 * StreamHub (the same code the server runs), to N viewers:
 *
 *  - `jpeg`: each frame a JPEG (sharp, quality 75) in a WebSocket message, decoded with
 *    createImageBitmap and drawn on a canvas;
 *  - `mse`: the frames encoded once by an ffmpeg child (libx264 ultrafast, zerolatency, no
 *    B-frames, a key frame every second) into FLV, each frame cut into its own fMP4 fragment
 *    as it comes out (FlvToFmp4, as the server's ingest does), sent
 *    over WebSocket and appended to a Media Source Extensions buffer of a `<video>`;
 *  - `webrtc`: the same H.264, packetised into RTP by the server's WHEP endpoint code
 *    (server/src/video/whep.ts, node-datachannel) on a send-only track, received by an
 *    RTCPeerConnection with `jitterBufferTarget = 0` into a `<video>`.
 *
 * Frames are 1280x720 at 15 fps, cut from an aerial photo of ../shared/samples/negative with
 * the view panning, so both encoders see real texture that moves. The capture time travels in
 * each message's header; latency is the time from capture (before encoding) to the frame being
 * on screen in the page (JPEG: the animation frame after drawImage; MSE: the video frame
 * callback of that frame; WebRTC: the video frame callback, its capture time recovered from
 * the RTP timestamp, which the server sets from it). Time to first frame: from opening the WebSocket to the first frame
 * on screen. CPU per stream: the bench process (frame source, encoding for JPEG, hub and
 * WebSockets) plus the ffmpeg child, over the measured window, in % of one core; the browser's
 * decoding is not counted.
 *
 * The server's share: beside the page, a client in this process takes the same stream from
 * the same hub (a WebSocket client that acknowledges at once; for webrtc a node-datachannel
 * viewer through the WHEP code, a frame counted at its last RTP packet); its latency (capture
 * to receipt) is what the server side adds, split into the encoder (capture to the hub) and
 * the hub and transport (hub to receipt); the rest is the browser's (receipt, decode, paint),
 * on the same two cores. The frame sources drop a frame while the previous one is still being
 * encoded, as a camera does; they never queue frames in front of the encoder.
 *
 * AERIE_BENCH_VIDEO_MS sets the measured window per case (default 8000); the drift figure
 * compares the p50 of the first and the last fifth of the 16-viewer window. Before the cases,
 * the H.264 encoder stage is measured alone (capture stamp to NAL units out, no viewers).
 * VIDEO_DRIFT_MINUTES=10 adds issue 14's drift run after them: one WebRTC stream with
 * VIDEO_DRIFT_VIEWERS viewers (default 16) for that many minutes, minute 1 against the last.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { capturedAtOfRtp, SUB_RENDITION_SIZE, type VideoRendition, wallRendition } from '@aerie/contracts';
import {
  encodeUnit,
  FLV_OUT,
  FlvToFmp4,
  isKeyFragment,
  openWhepSession,
  StreamHub,
  type StreamUnit,
  subRenditionArgs,
  type WhepSession,
  whepRtcpReceived,
} from '@aerie/server';
import { launchBrowser, rtpViewer } from '@aerie/tests';
import sharp from 'sharp';
import { WebSocket, WebSocketServer } from 'ws';
import { type BenchEntry, cpuOfPid, percentile, round } from './lib.ts';

const W = 1280;
const H = 720;
const FPS = 15;
const MEASURE_MS = Number(process.env.AERIE_BENCH_VIDEO_MS ?? 8000);
const WARMUP_MS = 2500;
/** VIDEO_DRIFT_MINUTES=10 adds issue 14's drift run (default none: 8 s cases only). */
const DRIFT_MINUTES = Number(process.env.VIDEO_DRIFT_MINUTES ?? 0);
/** Viewers of the drift run's one stream (16, or 4 where 16 cannot keep up). */
const DRIFT_VIEWERS = Number(process.env.VIDEO_DRIFT_VIEWERS ?? 16);
/** Seconds between the camera stand-in's key frames (VIDEO_CAMERA_GOP_S, default 1). */
const GOP_S = Number(process.env.VIDEO_CAMERA_GOP_S ?? 1);
const SUB_LABEL = `${SUB_RENDITION_SIZE.width}x${SUB_RENDITION_SIZE.height} sub-stream`;
/**
 * Streams, viewers per stream, and the wall's tile count when the case is a wall (it then takes
 * the rendition the wall asks for, `wallRendition`); 0: full resolution, as the vehicle panel.
 */
type Case = readonly [streams: number, viewers: number, wallTiles: number];
const FULL_RESOLUTION: readonly Case[] = [
  [1, 1, 0],
  [1, 4, 0],
  [1, 16, 0],
  [8, 1, 0],
];
const CASES: Record<Transport, readonly Case[]> = {
  jpeg: FULL_RESOLUTION,
  mse: FULL_RESOLUTION,
  // The wall cases beside the full-resolution ones (8 streams: the 9-tile layout).
  webrtc: [...FULL_RESOLUTION, [1, 4, 4], [1, 16, 16], [8, 1, 9]],
};
const SAMPLES = fileURLToPath(new URL('../../shared/samples/negative/', import.meta.url));

type Transport = 'jpeg' | 'mse' | 'webrtc';

/** Raw frames panning across an aerial photo (one second's worth, looped): RGB for sharp, I420 for x264. */
async function sourceFrames(): Promise<{ rgb: Buffer[]; i420: Buffer[] }> {
  const photo = sharp(readFileSync(path.join(SAMPLES, 'aerial_roundabout_dota_02.jpg')));
  const big = await photo
    .resize(W + 2 * FPS * 8, H + FPS * 8, { fit: 'cover' })
    .raw()
    .toBuffer({
      resolveWithObject: true,
    });
  const frames: Buffer[] = [];
  for (let i = 0; i < FPS; i++) {
    frames.push(
      await sharp(big.data, { raw: big.info })
        .extract({ left: i * 16, top: i * 8, width: W, height: H })
        .removeAlpha()
        .raw()
        .toBuffer(),
    );
  }
  // Planar YUV 4:2:0, what a camera's sensor pipeline hands its encoder: ffmpeg converts once
  // here, so the encoder does no colour conversion per frame and half the bytes cross the pipe.
  const i420 = execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`],
      ...['-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'],
    ],
    { input: Buffer.concat(frames), maxBuffer: 1 << 30 },
  );
  const size = (W * H * 3) / 2;
  return { rgb: frames, i420: frames.map((_, i) => i420.subarray(i * size, (i + 1) * size)) };
}

/** One rendition of a stream: its hub and the timing of what entered it. */
interface Feed {
  hub: StreamHub;
  /** When the hub took each unit, by the sequence number it gave it (for the server's share). */
  pushedAt: Map<number, number>;
  /** The same, by the unit's capture time (what an RTP timestamp carries). */
  pushedAtByCapture: Map<number, number>;
  /** Capture to the hub (the encoder stage alone: capture stamp to NAL units out) of each unit. */
  encodeMs: number[];
}

/** One stream: a frame clock, an encoder and a hub per rendition. */
interface Stream {
  main: Feed;
  /** The 640x360 wall-tile rendition (H.264 only): a second output of the same encoder. */
  sub: Feed | null;
  kind: Transport;
  stop(): void;
  encoderCpuMs(): number;
}

function feed(): Feed & { push(unit: StreamUnit): void } {
  const hub = new StreamHub();
  const pushedAt = new Map<number, number>();
  const pushedAtByCapture = new Map<number, number>();
  // The hub numbers units from 0 in the order it takes them; so does this.
  let seq = 0;
  const encodeMs: number[] = [];
  return {
    hub,
    pushedAt,
    pushedAtByCapture,
    encodeMs,
    push(unit) {
      encodeMs.push(Date.now() - unit.capturedAtMs);
      pushedAt.set(seq++, Date.now());
      pushedAtByCapture.set(unit.capturedAtMs, Date.now());
      if (pushedAt.size > 1000) pushedAt.delete(seq - 1001);
      if (pushedAtByCapture.size > 1000) pushedAtByCapture.delete(pushedAtByCapture.keys().next().value!);
      hub.push(unit);
    },
  };
}

/**
 * Reads one FLV output of the encoder into a feed; `captured` holds the capture times of the
 * frames handed to the encoder and not yet out of this output, oldest first.
 */
function readFlv(out: NodeJS.ReadableStream, into: ReturnType<typeof feed>, captured: number[]): void {
  const split = new FlvToFmp4();
  out.on('data', (chunk: Buffer) => {
    const p = split.push(chunk);
    if (p.init) into.hub.setInit(p.init);
    for (const f of p.fragments)
      into.push({ bytes: f, key: isKeyFragment(f), capturedAtMs: captured.shift() ?? 0 });
  });
}

function startStream(
  kind: Transport,
  frames: { rgb: Buffer[]; i420: Buffer[] },
  opts: { sub?: boolean } = {},
): Stream {
  const main = feed();
  const sub = kind !== 'jpeg' && opts.sub ? feed() : null;
  let n = 0;
  let ffmpeg: ChildProcess | undefined;
  const captured: number[] = [];
  const capturedSub: number[] = [];
  let encoding = false;
  if (kind !== 'jpeg') {
    // The camera's encoder: x264 ultrafast with zerolatency (no B-frames, no lookahead, sliced
    // threads: a frame leaves as soon as it is encoded), fed I420 so there is no colour conversion,
    // reading its input unbuffered and unprobed, writing FLV flushed per frame (FLV_OUT; ffmpeg's
    // own fMP4 held every frame until the next one). With `sub`, the same process also writes the
    // 640x360 wall-tile rendition (the server's `subRenditionArgs`) to fd 3: one decode of the
    // input, two encodes, as a camera with a sub-stream (or the server's ingest) does.
    ffmpeg = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-fflags', 'nobuffer', '-probesize', '32'],
        ...['-analyzeduration', '0', '-f', 'rawvideo', '-pix_fmt', 'yuv420p'],
        ...['-s', `${W}x${H}`, '-r', String(FPS), '-i', 'pipe:0', '-map', '0:v:0'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-bf', '0'],
        ...['-g', String(Math.round(FPS * GOP_S)), '-sc_threshold', '0', '-profile:v', 'baseline'],
        ...FLV_OUT,
        ...(sub ? subRenditionArgs({ fd: 3 }) : []),
      ],
      { stdio: ['pipe', 'pipe', 'inherit', 'pipe'] },
    );
    readFlv(ffmpeg.stdout!, main, captured);
    if (sub) readFlv(ffmpeg.stdio[3] as NodeJS.ReadableStream, sub, capturedSub);
    ffmpeg.stdin!.on('error', () => {});
  }
  const timer = setInterval(() => {
    const frame = (kind === 'jpeg' ? frames.rgb : frames.i420)[n % FPS]!;
    n++;
    const capturedAtMs = Date.now();
    if (kind === 'jpeg') {
      // A camera that cannot keep up skips a frame; it does not queue them.
      if (encoding) return;
      encoding = true;
      sharp(frame, { raw: { width: W, height: H, channels: 3 } })
        .jpeg({ quality: 75 })
        .toBuffer()
        .then((bytes) => main.push({ bytes, key: true, capturedAtMs }))
        .finally(() => {
          encoding = false;
        });
    } else {
      // An encoder that has not taken the last frame yet skips this one (no queue before it).
      if (ffmpeg!.stdin!.writableLength > 0) return;
      captured.push(capturedAtMs);
      if (sub) capturedSub.push(capturedAtMs);
      ffmpeg!.stdin!.write(frame);
    }
  }, 1000 / FPS);
  return {
    main,
    sub,
    kind,
    stop() {
      clearInterval(timer);
      ffmpeg?.stdin?.end();
      ffmpeg?.kill('SIGKILL');
    },
    encoderCpuMs: () => cpuOfPid(ffmpeg?.pid),
  };
}

/** The feed of a rendition; throws when the stream has no such rendition. */
function feedOf(stream: Stream, rendition: VideoRendition): Feed {
  if (rendition === 'main') return stream.main;
  if (!stream.sub) throw new Error(`video bench: the ${stream.kind} stream has no sub-stream`);
  return stream.sub;
}

/** The page: `viewers` tiles per stream, each its own WebSocket (or peer connection), recording latency. */
const PAGE = `<!doctype html><html><body style="margin:0;background:#111">
<div id=wall style="display:flex;flex-wrap:wrap"></div>
<script>
window.lat = []; window.ttff = []; window.decoded = 0; window.failures = []; window.joins = [];
const q = new URLSearchParams(location.search);
const kind = q.get('kind'), streams = +q.get('streams'), viewers = +q.get('viewers'), fps = ${FPS};
const rendition = q.get('rendition') || 'main';
function header(buf) { const dv = new DataView(buf); return { kind: dv.getUint8(0), seq: dv.getUint32(4, true), at: dv.getFloat64(8, true) }; }
function tile(tag) { const el = document.createElement(tag); el.width = 320; el.height = 180;
  if (tag === 'video') { el.muted = true; el.autoplay = true; el.playsInline = true; } wall.append(el); return el; }
function viewer(stream) {
  const t0 = performance.now(); let first = true;
  const done = (at) => { const now = Date.now(); window.decoded++; window.lat.push([now, now - at]);
    if (first) { first = false; window.ttff.push(performance.now() - t0); } };
  if (kind === 'webrtc') return webrtc(stream, done);
  const ws = new WebSocket('ws://' + location.host + '/ws?kind=' + kind + '&stream=' + stream + '&rendition=' + rendition);
  ws.binaryType = 'arraybuffer';
  if (kind === 'jpeg') {
    // Only the newest frame is drawn: one decoding at a time, and a frame that arrives meanwhile
    // replaces the one waiting (the replaced one is acknowledged at once, never drawn).
    const c = tile('canvas'); const ctx = c.getContext('2d'); let busy = false, waiting = null;
    const draw = async (buf) => {
      busy = true; const h = header(buf);
      const bmp = await createImageBitmap(new Blob([new Uint8Array(buf, 16)], { type: 'image/jpeg' }),
        { resizeWidth: c.width, resizeHeight: c.height, resizeQuality: 'low' });
      ctx.drawImage(bmp, 0, 0, c.width, c.height); bmp.close();
      requestAnimationFrame(() => { done(h.at); ws.send('a');
        if (waiting) { const next = waiting; waiting = null; draw(next); } else busy = false; });
    };
    ws.onmessage = (e) => { if (!busy) return draw(e.data); if (waiting) ws.send('a'); waiting = e.data; };
  } else {
    const v = tile('video');
    const ms = new MediaSource(); v.src = URL.createObjectURL(ms);
    const at = new Map(); const queue = []; let sb;
    v.addEventListener('error', () => console.log('video error: ' + (v.error && v.error.message)));
    const pump = () => { if (sb && !sb.updating && queue.length) try { sb.appendBuffer(queue.shift()); } catch (e) { console.log('append: ' + e); } };
    ms.addEventListener('sourceopen', () => {
      sb = ms.addSourceBuffer('video/mp4; codecs="avc1.42C01F"'); sb.mode = 'segments';
      sb.addEventListener('updateend', () => {
        if (v.buffered.length) { const end = v.buffered.end(v.buffered.length - 1);
          if (end - v.currentTime > 0.1) v.currentTime = end - 0.02; if (v.paused) v.play().catch(() => {}); }
        ws.send('a'); pump();
      });
      pump();
    });
    ws.onmessage = (e) => { const h = header(e.data);
      if (h.kind !== 0) at.set(h.seq, h.at);
      queue.push(new Uint8Array(e.data, 16)); pump(); };
    const onFrame = (now, meta) => {
      // mediaTime counts frames since the stream's first; the hub numbers units the same way.
      const n = Math.round(meta.mediaTime * fps);
      const a = at.get(n); if (a) { done(a); at.delete(n); }
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
  }
}
async function webrtc(stream, done) {
  // Where a WebRTC viewer's time to first frame goes: offer and ICE gathering, the WHEP answer,
  // the connection (ICE + DTLS), the first frame on screen (ms from the start of each).
  const t0 = performance.now(); const join = { offer: 0, answer: 0, connected: 0, first: 0 }; window.joins.push(join);
  const v = tile('video');
  const pc = new RTCPeerConnection();
  const tr = pc.addTransceiver('video', { direction: 'recvonly' });
  tr.receiver.jitterBufferTarget = 0;
  pc.ontrack = (e) => { v.srcObject = new MediaStream([e.track]); v.play().catch(() => {}); };
  pc.onconnectionstatechange = () => { if (pc.connectionState === 'connected') join.connected = performance.now() - t0; };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); setTimeout(r, 2000); });
  join.offer = performance.now() - t0;
  const res = await fetch('/whep?stream=' + stream + '&rendition=' + rendition, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
  if (res.status !== 201) { window.failures.push('whep ' + res.status + ': ' + await res.text()); return; }
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  join.answer = performance.now() - t0;
  // The RTP timestamp is the capture time on the 90 kHz clock, modulo 2^32 (whep.ts).
  const onFrame = (now, meta) => {
    if (!join.first) join.first = performance.now() - t0;
    if (meta.rtpTimestamp !== undefined) { const t = Date.now();
      const behind = ((Math.round(t * 90) % 2 ** 32 - meta.rtpTimestamp) % 2 ** 32 + 2 ** 32) % 2 ** 32;
      done(t - behind / 90); }
    v.requestVideoFrameCallback(onFrame);
  };
  v.requestVideoFrameCallback(onFrame);
}
for (let s = 0; s < streams; s++) for (let i = 0; i < viewers; i++) viewer(s);
</script></body></html>`;

interface CaseResult {
  p50: number;
  p95: number;
  ttffP95: number;
  cpuPerStreamPct: number;
  fps: number;
  driftMs: number;
  /** Capture to receipt at a Node client beside the page. */
  serverP95: number | null;
  /** Capture to the hub at the stream (the frame source's encoder, standing in for the camera). */
  encodeP50: number | null;
  encodeP95: number | null;
  /** p50 and p95 of each whole minute of the window (windows of two minutes or more). */
  minutes: { p50: number; p95: number }[];
  /** Of that: hub to receipt (the server's queues and socket). */
  hubP95: number | null;
}

/**
 * The server's share: a client in this process on each stream (a WebSocket client acknowledging
 * at once, or a node-datachannel WebRTC viewer through the server's WHEP code).
 */
async function serverShare(
  port: number,
  kind: Transport,
  streams: Feed[],
  rendition: VideoRendition,
): Promise<{ ages: number[]; hub: number[]; close(): void }> {
  const nStreams = streams.length;
  const ages: number[] = [];
  const hub: number[] = [];
  const sockets: WebSocket[] = [];
  const peers: { close(): void }[] = [];
  const record = (at: number, pushed: number | undefined) => {
    const now = Date.now();
    ages.push(now - at);
    if (pushed === undefined) return;
    hub.push(now - pushed);
  };
  if (kind === 'webrtc')
    for (const stream of streams) {
      const viewer = await rtpViewer();
      const session = await openWhepSession(stream.hub, viewer.offer);
      // A frame has arrived with the packet that carries the RTP marker bit.
      viewer.onPacket = (p) => {
        if (!p.marker) return;
        const at = capturedAtOfRtp(p.timestamp, Date.now());
        record(at, stream.pushedAtByCapture.get(Math.round(at)));
      };
      await viewer.answer(session.answer);
      peers.push(viewer, session);
    }
  else
    for (let s = 0; s < nStreams; s++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?kind=${kind}&stream=${s}&rendition=${rendition}`);
      ws.on('message', (data: Buffer) => {
        const at = data.readDoubleLE(8);
        if (at > 0) record(at, streams[s]!.pushedAt.get(data.readUInt32LE(4)));
        ws.send('a');
      });
      sockets.push(ws);
    }
  return {
    ages,
    hub,
    close: () => {
      for (const ws of sockets) ws.close();
      for (const p of peers) p.close();
    },
  };
}

/** A percentile of the values (sorted in place), to 0.1 ms; null without values. */
function pct(xs: number[], p: number): number | null {
  return xs.length > 0
    ? round(
        percentile(
          xs.sort((a, b) => a - b),
          p,
        ),
        1,
      )
    : null;
}

/** The encoder stage alone: one H.264 stream, no viewers, capture stamp to NAL units out. */
async function encoderAlone(frames: { rgb: Buffer[]; i420: Buffer[] }): Promise<BenchEntry[]> {
  const stream = startStream('webrtc', frames);
  await new Promise((r) => setTimeout(r, 1500));
  stream.main.encodeMs.length = 0;
  await new Promise((r) => setTimeout(r, Math.min(MEASURE_MS, 8000)));
  stream.stop();
  const label = 'video: h264 encoder alone (capture to NAL units out, 1 stream, no viewers)';
  const note = `x264 ultrafast zerolatency 1280x720 at ${FPS} fps; ${stream.main.encodeMs.length} frames; load average ${(os.loadavg()[0] ?? 0).toFixed(1)}`;
  return [
    {
      name: `${label} p50`,
      value: pct(stream.main.encodeMs, 50) ?? 0,
      unit: 'ms',
      target: 'info',
      met: true,
      note,
    },
    {
      name: `${label} p95`,
      value: pct(stream.main.encodeMs, 95) ?? 0,
      unit: 'ms',
      target: 'info',
      met: true,
    },
  ];
}

async function runCase(
  server: Server,
  streams: Stream[],
  page: import('playwright-core').Page,
  viewers: number,
  opts: { measureMs?: number; rendition?: VideoRendition } = {},
): Promise<CaseResult> {
  const measureMs = opts.measureMs ?? MEASURE_MS;
  const rendition = opts.rendition ?? 'main';
  const { port } = server.address() as AddressInfo;
  const kind = streams[0]!.kind;
  const feeds = streams.map((x) => feedOf(x, rendition));
  await page.goto(
    `http://127.0.0.1:${port}/?kind=${kind}&streams=${streams.length}&viewers=${viewers}&rendition=${rendition}`,
  );
  const beside = await serverShare(port, kind, feeds, rendition);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  await page.evaluate(() => {
    (window as unknown as { lat: unknown[] }).lat = [];
  });
  for (const a of [beside.ages, beside.hub, ...feeds.map((x) => x.encodeMs)]) a.length = 0;
  const cpu0 = process.cpuUsage();
  const enc0 = streams.reduce((s, x) => s + x.encoderCpuMs(), 0);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, measureMs));
  const cpu = process.cpuUsage(cpu0);
  const enc = streams.reduce((s, x) => s + x.encoderCpuMs(), 0) - enc0;
  const wallMs = Date.now() - t0;
  const { lat, ttff, failures, joins } = await page.evaluate(() => {
    const w = window as unknown as {
      lat: [number, number][];
      ttff: number[];
      failures: string[];
      joins: Record<string, number>[];
    };
    return { lat: w.lat, ttff: w.ttff, failures: w.failures, joins: w.joins };
  });
  if (joins.length > 0) {
    const p95Of = (k: string) =>
      Math.round(
        pct(
          joins.map((j) => j[k] ?? 0),
          95,
        ) ?? 0,
      );
    process.stderr.write(
      `  join p95 (ms from the viewer's start): offer ${p95Of('offer')}, answer ${p95Of('answer')}, connected ${p95Of('connected')}, first frame ${p95Of('first')}\n`,
    );
  }
  beside.close();
  await page.goto('about:blank');
  if (failures.length > 0) throw new Error(`video bench: ${kind} viewers failed: ${failures.join('; ')}`);
  const encodeMs = feeds.flatMap((x) => x.encodeMs);
  const p95 = (xs: number[]) => pct(xs, 95);
  const all = lat.map((l) => l[1]).sort((a, b) => a - b);
  const minutes: { p50: number; p95: number }[] = [];
  if (wallMs >= 120_000)
    for (let m = 0; (m + 1) * 60_000 <= wallMs; m++) {
      const xs = lat.filter((l) => l[0] >= t0 + m * 60_000 && l[0] < t0 + (m + 1) * 60_000).map((l) => l[1]);
      minutes.push({ p50: pct(xs, 50) ?? Number.NaN, p95: pct(xs, 95) ?? Number.NaN });
    }
  const fifth = (from: number, to: number) =>
    lat
      .filter((l) => l[0] >= t0 + from * wallMs && l[0] < t0 + to * wallMs)
      .map((l) => l[1])
      .sort((a, b) => a - b);
  const cpuMs = (cpu.user + cpu.system) / 1000 + enc;
  return {
    p50: round(percentile(all, 50), 1),
    p95: round(percentile(all, 95), 1),
    ttffP95: round(
      percentile(
        [...ttff].sort((a, b) => a - b),
        95,
      ),
      0,
    ),
    cpuPerStreamPct: round((100 * cpuMs) / wallMs / streams.length, 1),
    fps: round(lat.length / (wallMs / 1000) / (viewers * streams.length), 1),
    driftMs: round(percentile(fifth(0.8, 1), 50) - percentile(fifth(0, 0.2), 50), 1),
    serverP95: p95(beside.ages),
    encodeP50: pct(encodeMs, 50),
    encodeP95: pct(encodeMs, 95),
    minutes,
    hubP95: p95(beside.hub),
  };
}

export async function benchVideo(): Promise<BenchEntry[]> {
  const frames = await sourceFrames();
  let streams: Stream[] = [];
  const sessions = new Set<WhepSession>();
  /** How long the server took to answer each WHEP offer (ICE gathering included). */
  const answerMs: number[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/whep') {
      // The WHEP exchange as the server's route does it: SDP offer in, SDP answer out.
      const stream = streams[Number(url.searchParams.get('stream'))];
      const rendition = url.searchParams.get('rendition') === 'sub' ? 'sub' : 'main';
      const hub = stream ? feedOf(stream, rendition).hub : undefined;
      const body: Buffer[] = [];
      req.on('data', (c: Buffer) => body.push(c));
      req.on('end', () => {
        if (!hub) return res.writeHead(404).end('no such stream');
        let session: WhepSession | undefined;
        const asked = Date.now();
        openWhepSession(hub, Buffer.concat(body).toString('utf8'), {
          onClosed: () => session && sessions.delete(session),
        })
          .then((s) => {
            sessions.add(s);
            session = s;
            answerMs.push(Date.now() - asked);
            res.writeHead(201, { 'content-type': 'application/sdp' }).end(s.answer);
          })
          .catch((err: Error) => res.writeHead(400).end(err.message));
      });
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.end(PAGE);
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws, req) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const stream = streams[Number(q.get('stream'))];
    if (!stream) return ws.close();
    const hub = feedOf(stream, q.get('rendition') === 'sub' ? 'sub' : 'main').hub;
    // The page acknowledges each message once it drew (or appended) it: the hub's flow control.
    const acks: (() => void)[] = [];
    ws.on('message', () => acks.shift()?.());
    const { remove } = hub.addViewer({
      send(unit, written) {
        const kind = unit.seq === -1 ? 'init' : stream.kind === 'jpeg' ? 'jpeg' : unit.key ? 'key' : 'delta';
        acks.push(written);
        ws.send(encodeUnit(kind, unit));
      },
    });
    ws.on('close', remove);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launchBrowser();
  const { page } = await browser.newPage('http://127.0.0.1/');
  if (process.env.AERIE_BENCH_VIDEO_DEBUG)
    page.on('console', (m) => process.stderr.write(`page: ${m.text()}\n`));
  const out: BenchEntry[] = [];
  /** Issue 14's drift check: WebRTC, one stream, DRIFT_VIEWERS viewers, minute 1 against the last minute. */
  const drift = async (): Promise<BenchEntry[]> => {
    // What a wall of that many tiles asks for (16 tiles: the sub-stream).
    const rendition = wallRendition(DRIFT_VIEWERS);
    streams = [startStream('webrtc', frames, { sub: rendition === 'sub' })];
    await new Promise((r) => setTimeout(r, 1500));
    const r = await runCase(server, streams, page, DRIFT_VIEWERS, {
      measureMs: DRIFT_MINUTES * 60_000,
      rendition,
    });
    for (const s of sessions) s.close();
    for (const s of streams) s.stop();
    const first = r.minutes[0]!;
    const last = r.minutes.at(-1)!;
    const n = r.minutes.length;
    process.stderr.write(`  drift: ${JSON.stringify(r.minutes)}\n`);
    const label = `video: webrtc 1 stream x ${DRIFT_VIEWERS} viewers over ${n} minutes${rendition === 'sub' ? ` (${SUB_LABEL})` : ''}`;
    const note = `minute 1 p50 ${first.p50} / p95 ${first.p95} ms, minute ${n} p50 ${last.p50} / p95 ${last.p95} ms; frames on screen ${r.fps}/s per viewer; load average ${(os.loadavg()[0] ?? 0).toFixed(1)} on ${os.cpus().length} cores`;
    return [
      {
        name: `${label}: minute ${n} latency p95`,
        value: last.p95,
        unit: 'ms',
        target: 'info',
        met: true,
        note,
      },
      ...(['p50', 'p95'] as const).map((q) => ({
        name: `${label}: latency ${q} at minute ${n} minus minute 1`,
        value: round(last[q] - first[q], 1),
        unit: 'ms',
        target: '<= 50',
        met: last[q] - first[q] <= 50,
      })),
    ];
  };
  try {
    const only = process.env.AERIE_BENCH_VIDEO_ONLY;
    if (only !== 'jpeg') out.push(...(await encoderAlone(frames)));
    for (const kind of (only ? [only] : ['jpeg', 'mse', 'webrtc']) as Transport[]) {
      for (const [nStreams, viewers, wall] of CASES[kind]) {
        // A wall case takes the rendition the wall asks for at that many tiles (8 streams: the
        // 9-tile layout); the others take full resolution, as the vehicle panel does.
        const rendition = wall ? wallRendition(wall) : 'main';
        streams = Array.from({ length: nStreams }, () =>
          startStream(kind, frames, { sub: rendition === 'sub' }),
        );
        // Viewers join a running stream (its encoder started, a key frame cached), as in the console.
        await new Promise((r) => setTimeout(r, 1500));
        answerMs.length = 0;
        const rtcp0 = whepRtcpReceived();
        const r = await runCase(server, streams, page, viewers, { rendition });
        const keyRequests = whepRtcpReceived().keyRequests - rtcp0.keyRequests;
        const rtcpPackets = whepRtcpReceived().packets - rtcp0.packets;
        for (const s of sessions) s.close();
        for (const s of streams) s.stop();
        const label =
          `video: ${kind} ${nStreams === 1 ? `1 stream x ${viewers} viewers` : `${nStreams} streams`}` +
          (wall ? `, ${wall}-tile wall (${rendition === 'sub' ? SUB_LABEL : 'full resolution'})` : '');
        const whepAnswerP95 = pct(answerMs, 95);
        process.stderr.write(
          `  ${label}: ${JSON.stringify({ ...r, keyRequests, rtcpPackets, whepAnswerP95 })}\n`,
        );
        out.push(
          {
            name: `${label} latency p50`,
            value: r.p50,
            unit: 'ms',
            target: 'info',
            met: true,
            note: `frames on screen ${r.fps}/s per viewer of ${FPS};${kind === 'webrtc' ? ` ${keyRequests} key frame requests (PLI/FIR) from the viewers;` : ''} load average ${(os.loadavg()[0] ?? 0).toFixed(1)} on ${os.cpus().length} cores`,
          },
          {
            name: `${label} latency p95`,
            value: r.p95,
            unit: 'ms',
            target: '< 150',
            met: r.p95 < 150,
            ...(r.serverP95 !== null && {
              note:
                `capture to receipt at a Node client beside the page: p95 ${r.serverP95} ms ` +
                `(hub and socket ${r.hubP95} ms); encoder at the stream p50 ${r.encodeP50} / p95 ${r.encodeP95} ms; the rest is the browser's`,
            }),
          },
          {
            name: `${label} first frame p95`,
            value: r.ttffP95,
            unit: 'ms',
            target: '< 1000',
            met: r.ttffP95 < 1000,
          },
          {
            name: `${label} cpu per stream`,
            value: r.cpuPerStreamPct,
            unit: '% of a core',
            target: 'info',
            met: true,
          },
        );
        if (nStreams === 1 && viewers === 16)
          out.push({
            name: `${label} latency drift (last fifth - first fifth, p50)`,
            value: r.driftMs,
            unit: 'ms',
            target: '< 50',
            met: r.driftMs < 50,
          });
      }
    }
    if (DRIFT_MINUTES >= 2) out.push(...(await drift()));
  } finally {
    for (const s of sessions) s.close();
    for (const s of streams) s.stop();
    await browser.close();
    wss.close();
    server.close();
  }
  return out;
}
