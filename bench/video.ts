/**
 * Video: two ways of getting live video from Aerie to the console, side by side, on loopback
 * into Debian's headless chromium. One ingest per stream, fanned out by the server's
 * StreamHub (the same code the server runs), to N viewers:
 *
 *  - `jpeg`: each frame a JPEG (sharp, quality 75) in a WebSocket message, decoded with
 *    createImageBitmap and drawn on a canvas;
 *  - `mse`: the frames encoded once by an ffmpeg child (libx264 ultrafast, zerolatency, no
 *    B-frames, a key frame every second) into fragmented MP4 (one fragment per frame), sent
 *    over WebSocket and appended to a Media Source Extensions buffer of a `<video>`.
 *
 * Frames are 1280x720 at 15 fps, cut from an aerial photo of ../shared/samples/negative with
 * the view panning, so both encoders see real texture that moves. The capture time travels in
 * each message's header; latency is the time from capture (before encoding) to the frame being
 * on screen in the page (JPEG: the animation frame after drawImage; MSE: the video frame
 * callback of that frame). Time to first frame: from opening the WebSocket to the first frame
 * on screen. CPU per stream: the bench process (frame source, encoding for JPEG, hub and
 * WebSockets) plus the ffmpeg child, over the measured window, in % of one core; the browser's
 * decoding is not counted.
 *
 * AERIE_BENCH_VIDEO_MS sets the measured window per case (default 8000); the drift figure
 * compares the p50 of the first and the last fifth of the 16-viewer window.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeUnit, Mp4Splitter, StreamHub } from '@aerie/server';
import { launchBrowser } from '@aerie/tests';
import sharp from 'sharp';
import { WebSocketServer } from 'ws';
import { type BenchEntry, percentile, round } from './lib.ts';

const W = 1280;
const H = 720;
const FPS = 15;
const MEASURE_MS = Number(process.env.AERIE_BENCH_VIDEO_MS ?? 8000);
const WARMUP_MS = 2500;
const SAMPLES = fileURLToPath(new URL('../../shared/samples/negative/', import.meta.url));

type Transport = 'jpeg' | 'mse';

/** Raw RGB frames panning across an aerial photo (one second's worth, looped). */
async function sourceFrames(): Promise<Buffer[]> {
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
  return frames;
}

/** One stream: a frame clock, an encoder and a hub. */
interface Stream {
  hub: StreamHub;
  kind: Transport;
  stop(): void;
  encoderCpuMs(): number;
}

function cpuOfPid(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function startStream(kind: Transport, frames: Buffer[]): Stream {
  const hub = new StreamHub();
  let n = 0;
  let ffmpeg: ChildProcess | undefined;
  const captured: number[] = [];
  if (kind === 'mse') {
    ffmpeg = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24'],
        ...['-s', `${W}x${H}`, '-r', String(FPS), '-i', 'pipe:0'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-bf', '0'],
        ...['-g', String(FPS), '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-profile:v', 'baseline'],
        ...['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1'],
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const split = new Mp4Splitter();
    let out = 0;
    ffmpeg.stdout!.on('data', (chunk: Buffer) => {
      const p = split.push(chunk);
      if (p.init) hub.setInit(p.init);
      for (const f of p.fragments) {
        const i = out++;
        hub.push({ bytes: f, key: i % FPS === 0, capturedAtMs: captured[i] ?? 0 });
        captured[i] = 0;
      }
    });
    ffmpeg.stdin!.on('error', () => {});
  }
  const timer = setInterval(() => {
    const frame = frames[n % frames.length]!;
    const i = n++;
    const capturedAtMs = Date.now();
    if (kind === 'jpeg') {
      sharp(frame, { raw: { width: W, height: H, channels: 3 } })
        .jpeg({ quality: 75 })
        .toBuffer()
        .then((bytes) => hub.push({ bytes, key: true, capturedAtMs }));
    } else {
      captured[i] = capturedAtMs;
      ffmpeg!.stdin!.write(frame);
    }
  }, 1000 / FPS);
  return {
    hub,
    kind,
    stop() {
      clearInterval(timer);
      ffmpeg?.stdin?.end();
      ffmpeg?.kill('SIGKILL');
    },
    encoderCpuMs: () => cpuOfPid(ffmpeg?.pid),
  };
}

/** The page: `viewers` tiles per stream, each its own WebSocket, recording latency. */
const PAGE = `<!doctype html><html><body style="margin:0;background:#111">
<div id=wall style="display:flex;flex-wrap:wrap"></div>
<script>
window.lat = []; window.ttff = []; window.decoded = 0;
const q = new URLSearchParams(location.search);
const kind = q.get('kind'), streams = +q.get('streams'), viewers = +q.get('viewers'), fps = ${FPS};
function header(buf) { const dv = new DataView(buf); return { kind: dv.getUint8(0), seq: dv.getUint32(4, true), at: dv.getFloat64(8, true) }; }
function viewer(stream) {
  const t0 = performance.now(); let first = true;
  const ws = new WebSocket('ws://' + location.host + '/ws?kind=' + kind + '&stream=' + stream);
  ws.binaryType = 'arraybuffer';
  const done = (at) => { const now = Date.now(); window.decoded++; window.lat.push([now, now - at]);
    if (first) { first = false; window.ttff.push(performance.now() - t0); } };
  if (kind === 'jpeg') {
    const c = document.createElement('canvas'); c.width = 320; c.height = 180; wall.append(c);
    const ctx = c.getContext('2d'); let busy = false;
    ws.onmessage = async (e) => {
      if (busy) { ws.send('a'); return; } busy = true;
      const h = header(e.data);
      const bmp = await createImageBitmap(new Blob([new Uint8Array(e.data, 16)], { type: 'image/jpeg' }),
        { resizeWidth: c.width, resizeHeight: c.height, resizeQuality: 'low' });
      ctx.drawImage(bmp, 0, 0, c.width, c.height); bmp.close();
      requestAnimationFrame(() => { done(h.at); busy = false; ws.send('a'); });
    };
  } else {
    const v = document.createElement('video'); v.muted = true; v.autoplay = true; v.playsInline = true;
    v.width = 320; v.height = 180; wall.append(v);
    const ms = new MediaSource(); v.src = URL.createObjectURL(ms);
    const at = new Map(); const queue = []; let sb;
    v.addEventListener('error', () => console.log('video error: ' + (v.error && v.error.message)));
    const pump = () => { if (sb && !sb.updating && queue.length) try { sb.appendBuffer(queue.shift()); } catch (e) { console.log('append: ' + e); } };
    ms.addEventListener('sourceopen', () => {
      sb = ms.addSourceBuffer('video/mp4; codecs="avc1.42C01F"'); sb.mode = 'segments';
      sb.addEventListener('updateend', () => {
        if (v.buffered.length) { const end = v.buffered.end(v.buffered.length - 1);
          if (end - v.currentTime > 0.25) v.currentTime = end - 0.02; if (v.paused) v.play().catch(() => {}); }
        ws.send('a'); pump();
      });
      pump();
    });
    ws.onmessage = (e) => { const h = header(e.data);
      if (h.kind !== 0) at.set(h.seq, h.at);
      queue.push(new Uint8Array(e.data, 16)); pump(); };
    let base = null;
    const onFrame = (now, meta) => {
      // mediaTime counts frames since the stream's first; the hub numbers units the same way.
      const n = Math.round(meta.mediaTime * fps);
      const a = at.get(n); if (a) { done(a); at.delete(n); }
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
  }
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
}

async function runCase(
  server: Server,
  streams: Stream[],
  page: import('playwright-core').Page,
  viewers: number,
): Promise<CaseResult> {
  const { port } = server.address() as AddressInfo;
  const kind = streams[0]!.kind;
  await page.goto(`http://127.0.0.1:${port}/?kind=${kind}&streams=${streams.length}&viewers=${viewers}`);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  await page.evaluate(() => {
    (window as unknown as { lat: unknown[] }).lat = [];
  });
  const cpu0 = process.cpuUsage();
  const enc0 = streams.reduce((s, x) => s + x.encoderCpuMs(), 0);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const cpu = process.cpuUsage(cpu0);
  const enc = streams.reduce((s, x) => s + x.encoderCpuMs(), 0) - enc0;
  const wallMs = Date.now() - t0;
  const { lat, ttff } = await page.evaluate(() => {
    const w = window as unknown as { lat: [number, number][]; ttff: number[] };
    return { lat: w.lat, ttff: w.ttff };
  });
  await page.goto('about:blank');
  const all = lat.map((l) => l[1]).sort((a, b) => a - b);
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
  };
}

export async function benchVideo(): Promise<BenchEntry[]> {
  const frames = await sourceFrames();
  let streams: Stream[] = [];
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(PAGE);
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (ws, req) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const stream = streams[Number(q.get('stream'))];
    if (!stream) return ws.close();
    // The page acknowledges each message once it drew (or appended) it: the hub's flow control.
    const acks: (() => void)[] = [];
    ws.on('message', () => acks.shift()?.());
    const { remove } = stream.hub.addViewer({
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
  try {
    const only = process.env.AERIE_BENCH_VIDEO_ONLY;
    for (const kind of (only ? [only] : ['jpeg', 'mse']) as Transport[]) {
      for (const [nStreams, viewers] of [
        [1, 1],
        [1, 4],
        [1, 16],
        [8, 1],
      ] as const) {
        streams = Array.from({ length: nStreams }, () => startStream(kind, frames));
        // Viewers join a running stream (its encoder started, a key frame cached), as in the console.
        await new Promise((r) => setTimeout(r, 1500));
        const r = await runCase(server, streams, page, viewers);
        for (const s of streams) s.stop();
        const label = `video: ${kind} ${nStreams === 1 ? `1 stream x ${viewers} viewers` : `${nStreams} streams`}`;
        process.stderr.write(`  ${label}: ${JSON.stringify(r)}\n`);
        out.push(
          {
            name: `${label} latency p50`,
            value: r.p50,
            unit: 'ms',
            target: 'info',
            met: true,
            note: `frames on screen ${r.fps}/s per viewer of ${FPS}; load average ${(os.loadavg()[0] ?? 0).toFixed(1)} on ${os.cpus().length} cores`,
          },
          { name: `${label} latency p95`, value: r.p95, unit: 'ms', target: '< 150', met: r.p95 < 150 },
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
  } finally {
    for (const s of streams) s.stop();
    await browser.close();
    wss.close();
    server.close();
  }
  return out;
}
