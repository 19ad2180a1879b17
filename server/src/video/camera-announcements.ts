/**
 * What vehicles' cameras announce over MAVLink (through their bridge): the video streams
 * (VIDEO_STREAM_INFORMATION) that become a vehicle's video source, and the stills they report
 * (CAMERA_IMAGE_CAPTURED) that become frames with a pose for detection.
 *
 * Pure parts (`pickAnnouncedSource`, `intrinsicsOf`, `frameMetaOfImage`) decide; `CapturedImages`
 * fetches a reported still from its URL into the media store and hands the frame on.
 */
import { EventEmitter } from 'node:events';
import {
  type CameraImagePayload,
  type CameraIntrinsics,
  type CameraStreamsPayload,
  checkFrame,
  type Frame,
  type FrameMeta,
  type GimbalAttitude,
  reportsCameraAttitude,
} from '@aerie/contracts';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { cameraImages, vehicleCameras } from '../db/schema.ts';
import type { MediaLibrary } from '../media/library.ts';

/** URI schemes the video ingest opens (see `parseSourceUrl`). */
const OPENABLE = new Set(['rtsp:', 'rtmp:', 'srt:', 'http:', 'https:']);

function openable(uri: string): boolean {
  try {
    return OPENABLE.has(new URL(uri).protocol);
  } catch {
    return false;
  }
}

/**
 * The stream URI to watch among a vehicle's announced cameras: the lowest camera component id
 * first, then the lowest stream id, skipping URIs the ingest cannot open (e.g. `udp://`, whose
 * RTP needs an SDP the announcement does not carry). Null when there is none.
 */
export function pickAnnouncedSource(cameras: readonly CameraStreamsPayload[]): string | null {
  const sorted = [...cameras].sort((a, b) => a.compid - b.compid);
  for (const c of sorted) {
    const streams = [...c.streams].sort((a, b) => a.streamId - b.streamId);
    for (const s of streams) if (openable(s.uri)) return s.uri;
  }
  return null;
}

/**
 * The camera's own lower-resolution stream beside `mainUri` (a dock's or camera's sub-stream),
 * for the wall tiles: among the other streams of the camera that announced `mainUri`, the
 * narrowest one the ingest's ffmpeg opens (rtsp, rtmp, srt) that is narrower than the main
 * stream (any width when the main stream's is not announced). Null when there is none: the
 * ingest then makes the sub-stream itself.
 */
export function pickAnnouncedSubStream(
  cameras: readonly CameraStreamsPayload[],
  mainUri: string,
): string | null {
  const camera = cameras.find((c) => c.streams.some((s) => s.uri === mainUri));
  const main = camera?.streams.find((s) => s.uri === mainUri);
  if (!camera || !main) return null;
  const candidates = camera.streams
    .filter((s) => s.uri !== mainUri && openable(s.uri) && !/^https?:/.test(s.uri))
    .filter((s) => s.widthPx > 0 && (main.widthPx === 0 || s.widthPx < main.widthPx))
    .sort((a, b) => a.widthPx - b.widthPx);
  return candidates[0]?.uri ?? null;
}

/**
 * A still's lens: the camera's image resolution (CAMERA_INFORMATION) and its streams' horizontal
 * field of view, each part falling back to the configured camera when the camera does not say.
 */
export function intrinsicsOf(
  camera: CameraStreamsPayload | null,
  fallback: CameraIntrinsics,
): CameraIntrinsics {
  const hfov = camera?.streams.find((s) => s.hfovDeg > 0 && s.hfovDeg < 180)?.hfovDeg;
  const sized = camera !== null && camera.widthPx > 0 && camera.heightPx > 0;
  return {
    hfovDeg: hfov ?? fallback.hfovDeg,
    width: sized ? camera.widthPx : fallback.width,
    height: sized ? camera.heightPx : fallback.height,
  };
}

/**
 * The frame contract's metadata for a reported still: the position the camera reported with it
 * (not interpolated telemetry: the camera took it at the shot), its attitude and the lens.
 *
 * What the attitude is depends on who reported the still:
 * - a camera component (100-105) sends its own orientation in NED, as the MAVLink field says
 *   ("quaternion of camera orientation"; zero looking north and level). The frame contract
 *   wants the vehicle's attitude and a body-relative gimbal, and the still does not say the
 *   vehicle's; so the frame is written as a level body at the camera's heading carrying the
 *   camera's pitch and roll (yaw-pitch-roll composes to exactly the reported orientation, which
 *   is what a horizon-stabilised gimbal does: the vehicle's tilt never reaches the camera);
 * - the autopilot (PX4's camera_feedback) sends the vehicle's attitude: the configured gimbal
 *   goes with it.
 */
export function frameMetaOfImage(
  vehicleId: string,
  image: CameraImagePayload,
  camera: CameraIntrinsics,
  gimbal: GimbalAttitude,
  sortieId?: string | null,
): FrameMeta {
  const own = reportsCameraAttitude(image.compid);
  return {
    vehicleId,
    ...(sortieId ? { sortieId } : {}),
    capturedAtMs: image.capturedAtMs,
    pose: {
      lat: image.lat,
      lon: image.lon,
      altMslM: image.altMslM,
      altRelM: image.altRelM,
      rollDeg: own ? 0 : image.rollDeg,
      pitchDeg: own ? 0 : image.pitchDeg,
      yawDeg: image.yawDeg,
    },
    gimbal: own ? { pitchDeg: image.pitchDeg, yawDeg: 0, rollDeg: image.rollDeg } : { ...gimbal },
    camera: { ...camera },
  };
}

/** One stored still report, after the batch that carried it committed. */
export interface ReportedImage {
  id: string;
  fileUrl: string;
  ok: boolean;
  meta: FrameMeta;
}

export interface CapturedImagesEvents {
  /** A still was fetched and stored: a frame with its pose. */
  frame: [Frame & { image: { kind: 'encoded' } }, string];
  /** A still could not be fetched (the row keeps why). */
  failed: [string, string];
}

export interface CapturedImagesOptions {
  db: Db;
  media: MediaLibrary;
  /** Largest still accepted (default 20 MB). */
  maxBytes?: number;
  /** Give up on a still after this long (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /**
   * Host names stills may always be fetched from besides the hosts of the vehicle's own announced
   * streams (e.g. the simulated cameras' host). A still anywhere else is refused: a vehicle's report
   * must not make the server fetch an arbitrary address on its network.
   */
  stillHosts?: readonly string[];
  /** The vehicle's open sortie, which the frame then belongs to. */
  sortieOf?: (vehicleId: string) => string | null | undefined;
}

/**
 * Fetches reported stills (`http(s)://` file URLs) into the media store, one at a time, records
 * the media hash (or why not) on the stored report, and emits each as a frame.
 */
export class CapturedImages extends EventEmitter<CapturedImagesEvents> {
  private tail: Promise<void> = Promise.resolve();
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: CapturedImagesOptions) {
    super();
    this.maxBytes = opts.maxBytes ?? 20 * 1024 * 1024;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** Queues a stored report; resolves when it was handled. */
  add(report: ReportedImage): Promise<void> {
    const run = this.tail.then(() => this.handle(report));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async handle(report: ReportedImage): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = await this.download(report);
    } catch (err) {
      const why = (err as Error).message;
      await this.opts.db.update(cameraImages).set({ fetchError: why }).where(eq(cameraImages.id, report.id));
      this.emit('failed', report.id, why);
      return;
    }
    const info = await this.opts.media.put(this.opts.db, bytes, { kind: 'camera-image', mime: 'image/jpeg' });
    const sortieId = report.meta.sortieId ?? this.opts.sortieOf?.(report.meta.vehicleId);
    const meta = sortieId ? { ...report.meta, sortieId } : report.meta;
    // The stored frame names its sortie too, so a sortie's stills can be listed.
    await this.opts.db
      .update(cameraImages)
      .set({ mediaSha256: info.sha256, ...(meta !== report.meta ? { frameJson: JSON.stringify(meta) } : {}) })
      .where(eq(cameraImages.id, report.id));
    const checked = checkFrame({ ...meta, image: { kind: 'encoded', bytes } });
    if (!checked.ok) {
      this.emit('failed', report.id, checked.error.message);
      return;
    }
    this.emit('frame', checked.frame as Frame & { image: { kind: 'encoded' } }, report.id);
  }

  /** Host names of the vehicle's announced streams plus the configured ones, lower case. */
  private async allowedHosts(vehicleId: string): Promise<Set<string>> {
    const hosts = new Set((this.opts.stillHosts ?? []).map((h) => h.toLowerCase()));
    const rows = await this.opts.db
      .select({ streamsJson: vehicleCameras.streamsJson })
      .from(vehicleCameras)
      .where(eq(vehicleCameras.vehicleId, vehicleId));
    for (const row of rows) {
      const announced = JSON.parse(row.streamsJson) as Pick<CameraStreamsPayload, 'streams'>;
      for (const s of announced.streams ?? []) {
        try {
          hosts.add(new URL(s.uri).hostname.toLowerCase());
        } catch {
          // A stream URI that is not a URL names no host.
        }
      }
    }
    return hosts;
  }

  private async download(report: ReportedImage): Promise<Uint8Array> {
    if (!report.ok) throw new Error('the camera reported the capture as failed');
    let url: URL;
    try {
      url = new URL(report.fileUrl);
    } catch {
      throw new Error(`file URL ${JSON.stringify(report.fileUrl)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`file URL ${report.fileUrl}: only http(s) stills can be fetched`);
    const hosts = await this.allowedHosts(report.meta.vehicleId);
    if (!hosts.has(url.hostname.toLowerCase()))
      throw new Error(
        `file URL ${report.fileUrl}: host ${url.hostname} is neither one of the vehicle's announced stream hosts nor in video.stillHosts`,
      );
    const res = await this.fetchFn(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!res.ok) throw new Error(`file URL ${report.fileUrl}: HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.byteLength > this.maxBytes)
      throw new Error(`file URL ${report.fileUrl}: ${bytes.byteLength} bytes, more than ${this.maxBytes}`);
    if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error(`file URL ${report.fileUrl}: not a JPEG`);
    return bytes;
  }
}

/**
 * A stream URI fit to show a user: the password of `rtsp://user:pass@host/…` replaced by `***`
 * (the server opens the stream, so no viewer needs it). A URI that does not parse is returned
 * as announced, since it carries no user part the URL parser could find.
 */
export function withoutPassword(uri: string): string {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return uri;
  }
  if (!u.password) return uri;
  u.password = '***';
  return u.toString();
}
