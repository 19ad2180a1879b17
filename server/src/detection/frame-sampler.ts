/**
 * Samples camera frames for detection: per vehicle that is flying (armed and not landed), or
 * per online vehicle, it takes a still from the vehicle's camera at a fixed rate (default
 * 2 fps), tags it with the pose at its capture time (the camera's `X-Captured-At-Ms` when it
 * sends one, else the time the still arrived), the gimbal and the lens, and hands it on. The
 * gimbal is the one the vehicle last reported (GIMBAL_DEVICE_ATTITUDE_STATUS, through the
 * bridge), turned body-relative against the frame's pose (`gimbalForPose`); the configured
 * gimbal stands in for a vehicle that reports none.
 *
 * The simulated camera serves `/camera/{sysid}.mjpeg` (live) and `/camera/{sysid}.jpg` (one
 * still rendered on request); the sampler asks for stills, so nothing renders between samples.
 * A frame taken after the newest telemetry sample waits for the next one (at most
 * `poseWaitMs`), since its pose is interpolated, never "the latest"; a frame with no pose is
 * dropped and counted. The frame also carries how fast the pose was changing (`poseRate`), so
 * the georeferencing error covers the pose's timing on a moving aircraft.
 *
 * The telemetry time is the bridge's (`updatedAtMs` of the state); the camera's capture time is
 * the camera's clock. The simulator, bridge and server share one machine's clock; a real
 * deployment needs the bridge and camera clocks in step (NTP) for the pose to be right.
 */
import type {
  CameraIntrinsics,
  Frame,
  FramePose,
  GimbalAttitude,
  VehicleStatePayload,
} from '@aerie/contracts';
import { relativeAttitudeDeg } from '@aerie/missions';
import type { LiveEntry, LiveStateStore } from '../live/live-state-store.ts';
import type { PoseBuffer, PoseSample } from './pose-at.ts';

export type SampledVehicles = 'flying' | 'online';

export interface FrameSamplerOptions {
  liveState: Pick<LiveStateStore, 'subscribe' | 'all'>;
  poses: PoseBuffer;
  /** The still-image URL of a vehicle's camera, or null when it has none. */
  stillUrl: (vehicleId: string, sysid: number) => string | null;
  /** Frames per second per vehicle (default 2). */
  fps?: number;
  vehicles?: SampledVehicles;
  /** The gimbal relative to the body when the vehicle reports none. */
  gimbal: GimbalAttitude;
  camera: CameraIntrinsics;
  /** The sortie a vehicle is flying (the flight log's open sortie), tagged on its frames. */
  sortieOf?: (vehicleId: string) => string | null;
  /** How long a frame may wait for the telemetry sample after it (default 1000 ms). */
  poseWaitMs?: number;
  /** A sampled frame, with its JPEG (the frame's image bytes). */
  onFrame: (frame: Frame & { image: { kind: 'encoded' } }) => void;
  /** Fetches a still; the default uses `fetch`. */
  fetchStill?: (
    url: string,
    signal: AbortSignal,
  ) => Promise<{ bytes: Uint8Array; capturedAtMs: number | null }>;
  now?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface SamplerStats {
  /** Stills received. */
  fetched: number;
  /** Stills that could not be fetched. */
  fetchFailed: number;
  /** Frames dropped because no pose could be placed at their capture time. */
  noPose: number;
  /** Frames handed on. */
  sampled: number;
}

/** A reported gimbal attitude (the live state's `gimbal`). */
export type ReportedGimbal = NonNullable<VehicleStatePayload['gimbal']>;

/**
 * The body-relative gimbal of a frame: the reported gimbal's attitude in NED (pitch and roll
 * against the horizon; yaw from north, or from the frame's heading when the gimbal reports it
 * relative to the vehicle) expressed against the frame's pose. Without a report, `fallback`.
 */
export function gimbalForPose(
  pose: Pick<FramePose, 'rollDeg' | 'pitchDeg' | 'yawDeg'>,
  reported: ReportedGimbal | null | undefined,
  fallback: GimbalAttitude,
): GimbalAttitude {
  if (!reported) return { ...fallback };
  const camera = {
    pitchDeg: reported.pitchDeg,
    rollDeg: reported.rollDeg,
    yawDeg: reported.yawFrame === 'earth' ? reported.yawDeg : pose.yawDeg + reported.yawDeg,
  };
  const { pitchDeg, yawDeg, rollDeg } = relativeAttitudeDeg(pose, camera);
  return { pitchDeg, yawDeg, rollDeg };
}

/** Whether a vehicle's live entry is one to sample. */
export function shouldSample(entry: LiveEntry, which: SampledVehicles): boolean {
  if (!entry.online || !entry.state) return false;
  if (which === 'online') return true;
  return entry.state.armed && entry.state.landed !== true;
}

/** The pose sample in a live entry, or null when the vehicle has not reported all of it. */
export function sampleOf(entry: LiveEntry): PoseSample | null {
  const s = entry.state;
  if (!s) return null;
  const { lat, lon, altMslM, altRelM, rollDeg, pitchDeg, yawDeg } = s;
  if (lat === null || lon === null || altMslM === null || altRelM === null) return null;
  if (rollDeg === null || pitchDeg === null || yawDeg === null) return null;
  const atMs = s.updatedAtMs > 0 ? s.updatedAtMs : entry.updatedAtMs;
  if (atMs === null) return null;
  return { atMs, lat, lon, altMslM, altRelM, rollDeg, pitchDeg, yawDeg };
}

/** The still URL for a camera URL template: `.mjpeg` becomes `.jpg` (the simulated camera's still). */
export function stillUrlFromTemplate(template: string, sysid: number): string | null {
  if (!template) return null;
  const url = template.replaceAll('{sysid}', String(sysid));
  if (/\.jpe?g(\?|$)/.test(url)) return url;
  if (/\.mjpeg(\?|$)/.test(url)) return url.replace(/\.mjpeg(\?|$)/, '.jpg$1');
  return null;
}

async function defaultFetchStill(
  url: string,
  signal: AbortSignal,
): Promise<{ bytes: Uint8Array; capturedAtMs: number | null }> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const header = Number(res.headers.get('x-captured-at-ms'));
  return { bytes, capturedAtMs: Number.isFinite(header) && header > 0 ? header : null };
}

/** The frame's `poseRate` field when the buffer can tell it. */
function poseRateOf(poses: PoseBuffer, vehicleId: string, t: number) {
  const poseRate = poses.rateAt(vehicleId, t);
  return poseRate ? { poseRate } : {};
}

interface Loop {
  sysid: number;
  abort: AbortController;
}

export class FrameSampler {
  private readonly loops = new Map<string, Loop>();
  /** The gimbal each vehicle last reported. */
  private readonly gimbals = new Map<string, ReportedGimbal>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly unsubscribe: () => void;
  private stopped = false;
  readonly stats: SamplerStats = { fetched: 0, fetchFailed: 0, noPose: 0, sampled: 0 };
  private readonly periodMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: FrameSamplerOptions) {
    const fps = opts.fps ?? 2;
    if (!(fps > 0 && fps <= 30)) throw new Error(`detection fps must be in (0, 30], got ${fps}`);
    this.periodMs = 1000 / fps;
    this.now = opts.now ?? Date.now;
    this.unsubscribe = opts.liveState.subscribe((id, entry) => this.onEntry(id, entry));
    for (const [id, entry] of opts.liveState.all()) this.onEntry(id, entry);
  }

  /** Vehicles being sampled now. */
  active(): string[] {
    return [...this.loops.keys()];
  }

  private onEntry(vehicleId: string, entry: LiveEntry): void {
    const reported = entry.state?.gimbal;
    if (reported) this.gimbals.set(vehicleId, reported);
    const s = sampleOf(entry);
    if (s) {
      this.opts.poses.push(vehicleId, s);
      const w = this.waiters.get(vehicleId);
      if (w) for (const wake of [...w]) wake();
    }
    const want = !this.stopped && shouldSample(entry, this.opts.vehicles ?? 'flying');
    const loop = this.loops.get(vehicleId);
    if (want && !loop && entry.state) this.start(vehicleId, entry.state.sysid);
    else if (!want && loop) {
      loop.abort.abort();
      this.loops.delete(vehicleId);
    }
  }

  private start(vehicleId: string, sysid: number): void {
    const url = this.opts.stillUrl(vehicleId, sysid);
    if (!url) return;
    const loop: Loop = { sysid, abort: new AbortController() };
    this.loops.set(vehicleId, loop);
    this.opts.log?.('sampling frames', { vehicleId, sysid, url });
    void this.run(vehicleId, url, loop.abort.signal);
  }

  private async run(vehicleId: string, url: string, signal: AbortSignal): Promise<void> {
    const fetchStill = this.opts.fetchStill ?? defaultFetchStill;
    while (!signal.aborted) {
      const started = this.now();
      try {
        const still = await fetchStill(url, signal);
        this.stats.fetched++;
        const capturedAtMs = still.capturedAtMs ?? this.now();
        const pose = await this.poseAt(vehicleId, capturedAtMs, signal);
        if (signal.aborted) return;
        if (!pose) this.stats.noPose++;
        else {
          this.stats.sampled++;
          const sortieId = this.opts.sortieOf?.(vehicleId) ?? null;
          this.opts.onFrame({
            vehicleId,
            ...(sortieId ? { sortieId } : {}),
            capturedAtMs,
            pose,
            ...poseRateOf(this.opts.poses, vehicleId, capturedAtMs),
            gimbal: gimbalForPose(pose, this.gimbals.get(vehicleId), this.opts.gimbal),
            camera: this.opts.camera,
            image: { kind: 'encoded', bytes: still.bytes },
          });
        }
      } catch (err) {
        if (signal.aborted) return;
        this.stats.fetchFailed++;
        this.opts.log?.('camera still failed', { vehicleId, url, error: (err as Error).message });
      }
      const wait = Math.max(0, started + this.periodMs - this.now());
      await sleep(wait, signal);
    }
  }

  /** The pose at `t`, waiting up to `poseWaitMs` for a telemetry sample at or after `t`. */
  private poseAt(vehicleId: string, t: number, signal: AbortSignal) {
    const { poses } = this.opts;
    const newest = poses.newestAtMs(vehicleId);
    if (newest !== null && newest >= t) return Promise.resolve(poses.poseAt(vehicleId, t));
    return new Promise<ReturnType<PoseBuffer['poseAt']>>((resolve) => {
      let set = this.waiters.get(vehicleId);
      if (!set) {
        set = new Set();
        this.waiters.set(vehicleId, set);
      }
      const done = () => {
        clearTimeout(timer);
        set.delete(check);
        signal.removeEventListener('abort', done);
        resolve(poses.poseAt(vehicleId, t));
      };
      const check = () => {
        const n = poses.newestAtMs(vehicleId);
        if (n !== null && n >= t) done();
      };
      const timer = setTimeout(done, this.opts.poseWaitMs ?? 1000);
      signal.addEventListener('abort', done);
      set.add(check);
    });
  }

  /** Stops every loop and the subscription. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const l of this.loops.values()) l.abort.abort();
    this.loops.clear();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
