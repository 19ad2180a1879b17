/**
 * A simulated gimbal camera on a simulated aircraft: renders what it sees of the scene under the
 * aircraft's pose (JPEG, 1280x720 by default, about 12 fps) only while someone watches, and
 * serves it as IP cameras do, as a Motion-JPEG stream over HTTP
 * (`multipart/x-mixed-replace`), each part carrying its capture time in `X-Captured-At-Ms`.
 *
 * A frame is rendered only after the previous one was encoded, so on a busy machine the rate
 * drops instead of frames piling up; a client that cannot keep up skips frames (drop, never
 * lag).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CameraLens, CameraPose, CameraView, GimbalAngles } from '@aerie/missions';
import sharp from 'sharp';
import { renderView, type Scene } from './render.ts';

export interface CameraFrame {
  jpeg: Buffer;
  capturedAtMs: number;
  view: CameraView;
}

export interface SimCameraOptions {
  scene: Scene;
  /** The aircraft's pose now (position and attitude). */
  pose: () => CameraPose;
  /** Gimbal relative to the body; default straight down (pitch -90). */
  gimbal?: GimbalAngles;
  /**
   * The gimbal relative to the body now (a steered, stabilised gimbal: the aircraft's
   * `gimbalBodyDeg`); when given it is read at every frame instead of `gimbal`.
   */
  gimbalNow?: () => GimbalAngles;
  lens?: Partial<CameraLens>;
  /** Frames per second while watched; default 12. */
  fps?: number;
  jpegQuality?: number;
  now?: () => number;
}

export const DEFAULT_LENS: CameraLens = { hfovDeg: 70, width: 1280, height: 720 };

export class SimCamera {
  private readonly listeners = new Set<(f: CameraFrame) => void>();
  private timer: NodeJS.Timeout | null = null;
  private readonly lens: CameraLens;
  private readonly periodMs: number;
  private readonly buf: Uint8Array;
  gimbal: GimbalAngles;
  /** Frames rendered since start. */
  rendered = 0;

  constructor(private readonly opts: SimCameraOptions) {
    this.lens = { ...DEFAULT_LENS, ...opts.lens };
    this.gimbal = opts.gimbal ?? { pitchDeg: -90, yawDeg: 0, rollDeg: 0 };
    const fps = opts.fps ?? 12;
    if (!(fps > 0 && fps <= 30)) throw new Error(`camera fps must be in (0, 30], got ${fps}`);
    this.periodMs = 1000 / fps;
    this.buf = new Uint8Array(this.lens.width * this.lens.height * 3);
  }

  get watched(): boolean {
    return this.listeners.size > 0;
  }

  /** Renders one frame now. */
  async capture(): Promise<CameraFrame> {
    const capturedAtMs = (this.opts.now ?? Date.now)();
    const gimbal = this.opts.gimbalNow ? this.opts.gimbalNow() : this.gimbal;
    const view: CameraView = { pose: this.opts.pose(), gimbal: { ...gimbal }, camera: this.lens };
    renderView(this.opts.scene, view, this.buf);
    const jpeg = await sharp(this.buf, {
      raw: { width: this.lens.width, height: this.lens.height, channels: 3 },
    })
      .jpeg({ quality: this.opts.jpegQuality ?? 80 })
      .toBuffer();
    this.rendered++;
    return { jpeg, capturedAtMs, view };
  }

  /** Receives frames until the returned function is called; rendering runs only while someone listens. */
  subscribe(listener: (f: CameraFrame) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) this.schedule(0);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
    };
  }

  close(): void {
    this.listeners.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(async () => {
      const started = Date.now();
      try {
        const frame = await this.capture();
        for (const l of this.listeners) l(frame);
      } catch {
        // A frame that failed to render is a dropped frame; the next one tries again.
      }
      if (this.listeners.size > 0) this.schedule(Math.max(0, this.periodMs - (Date.now() - started)));
      else this.timer = null;
    }, delayMs);
  }
}

export const MJPEG_BOUNDARY = 'aerieframe';

/** Streams a camera's frames to one HTTP response as Motion-JPEG until the client goes. */
export function streamMjpeg(camera: SimCamera, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`,
    'cache-control': 'no-store',
    connection: 'close',
  });
  let blocked = false;
  res.on('drain', () => {
    blocked = false;
  });
  const stop = camera.subscribe((f) => {
    if (blocked) return;
    const head =
      `--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${f.jpeg.length}\r\n` +
      `X-Captured-At-Ms: ${f.capturedAtMs}\r\n\r\n`;
    res.write(head);
    blocked = !res.write(Buffer.concat([f.jpeg, Buffer.from('\r\n')]));
  });
  res.on('close', stop);
}

export interface CameraServer {
  server: Server;
  port: number;
  /** `http://host:port/camera/{sysid}.mjpeg` style URL of one camera. */
  url(sysid: number): string;
  /** URL of a stored still of one camera. */
  stillUrl(sysid: number, index: number): string;
  close(): Promise<void>;
}

/** The planted incidents of the scene the cameras see, and the switch that removes or restores one. */
export interface SceneIncidents {
  list(): readonly { category: string; lat: number; lon: number; widthM: number; heightM: number }[];
  isPresent(index: number): boolean;
  setPresent(index: number, present: boolean): void;
}

/**
 * Serves the cameras of a fleet on one port: `GET /camera/<sysid>.mjpeg` (the live stream),
 * `GET /camera/<sysid>.jpg` (one still, taken now) and `GET /camera/<sysid>/stills/<index>.jpg`
 * (a still the camera took on MAV_CMD_IMAGE_START_CAPTURE and stored). With `incidents`, the
 * scene's planted incidents too: `GET /scene/incidents` lists them (index, category, centre,
 * size, present), `POST /scene/incidents/<index>/remove` and `.../restore` take one out of
 * the scene or put it back (answering the incident as it is now).
 */
export async function startCameraServer(opts: {
  camera: (sysid: number) => SimCamera | undefined;
  /** A stored still (`GET /camera/<sysid>/stills/<index>.jpg`), if it is kept. */
  still?: (sysid: number, index: number) => Buffer | undefined;
  incidents?: SceneIncidents;
  port?: number;
  host?: string;
}): Promise<CameraServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/scene/')) return serveIncidents(opts.incidents, req.method ?? 'GET', path, res);
    const still = /^\/camera\/(\d+)\/stills\/(\d+)\.jpg$/.exec(path);
    if (still) {
      const jpeg = opts.still?.(Number(still[1]), Number(still[2]));
      if (!jpeg) res.writeHead(404, { 'content-type': 'text/plain' }).end('no such still\n');
      else res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
      return;
    }
    const m = /^\/camera\/(\d+)\.(mjpeg|jpg)$/.exec(path);
    const cam = m ? opts.camera(Number(m[1])) : undefined;
    if (!m || !cam) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such camera\n');
      return;
    }
    if (m[2] === 'mjpeg') return streamMjpeg(cam, res);
    cam.capture().then(
      (f) =>
        res
          .writeHead(200, { 'content-type': 'image/jpeg', 'x-captured-at-ms': String(f.capturedAtMs) })
          .end(f.jpeg),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: (sysid) => `http://${host}:${port}/camera/${sysid}.mjpeg`,
    stillUrl: (sysid, index) => `http://${host}:${port}/camera/${sysid}/stills/${index}.jpg`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** `GET /scene/incidents`, `POST /scene/incidents/<index>/(remove|restore)`. */
function serveIncidents(
  incidents: SceneIncidents | undefined,
  method: string,
  path: string,
  res: ServerResponse,
): ServerResponse {
  const json = (status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
  const describe = (i: number) => ({ index: i, ...incidents!.list()[i]!, present: incidents!.isPresent(i) });
  if (!incidents) return json(404, { error: 'this camera server has no scene incidents' });
  if (path === '/scene/incidents' && method === 'GET')
    return json(200, { items: incidents.list().map((_, i) => describe(i)) });
  const m = /^\/scene\/incidents\/(\d+)\/(remove|restore)$/.exec(path);
  if (!m) return json(404, { error: `no such scene resource: ${method} ${path}` });
  if (method !== 'POST') return json(405, { error: `${path} takes POST, got ${method}` });
  const index = Number(m[1]);
  if (index >= incidents.list().length)
    return json(404, {
      error: `no incident ${index}: the scene has ${incidents.list().length}, numbered from 0`,
    });
  incidents.setPresent(index, m[2] === 'restore');
  return json(200, describe(index));
}
