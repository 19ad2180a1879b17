/**
 * Live video per vehicle: where each vehicle's video comes from, and one stream (ingest + hub)
 * per watched vehicle, started when its first viewer arrives and stopped a while after the
 * last one leaves.
 *
 * Sources, first match wins: the stream the vehicle's camera announced over MAVLink
 * (VIDEO_STREAM_INFORMATION, through its bridge: `announced`), then `sources[vehicleId]` or
 * `sources[serial]` (an RTSP/RTMP URL, or an `http(s)://` Motion-JPEG camera), then the simulated
 * camera of the vehicle's bound system id (`simCameraUrl` with `{sysid}` replaced).
 *
 * A new announcement that changes the source replaces the stream at once, watched or not: the
 * new stream's ingest starts straight away when the old one had viewers, and the old stream is
 * retired, which tells its viewers (`onRetired`) so they reconnect and find the new one.
 *
 * Renditions: an H.264 (ffmpeg) stream has two hubs, `main` (the camera's stream, copied) and
 * `sub` (the wall-tile rendition: the camera's own sub-stream, or 640x360 encoded once by the
 * ingest), both fed by the one ingest, which runs while either has a viewer. A Motion-JPEG stream
 * has only `main`; asking it for `sub` gives `main`.
 */
import type { VideoRendition } from '@aerie/contracts';
import { StreamHub } from './hub.ts';
import { Ingest, type SignalState, type VideoSource } from './ingest.ts';

export interface VideoConfig {
  /**
   * Vehicle id or serial number -> source URL. `rtsp://`/`rtmp://` go through ffmpeg (`?listen`
   * makes ffmpeg wait for the camera to push); `http(s)://` is a Motion-JPEG camera.
   */
  sources: Record<string, string>;
  /** URL template of simulated cameras, `{sysid}` replaced; empty: none. */
  simCameraUrl: string;
  ffmpegPath: string;
  /** How long a stream keeps running after its last viewer left. */
  idleStopMs: number;
  /** Silence after which a source counts as lost. */
  stallMs: number;
  /** H.264 streams also offer the `sub` rendition for wall tiles (one more encode per watched stream when the camera has no sub-stream). */
  subStream: boolean;
}

export const DEFAULT_VIDEO_CONFIG: VideoConfig = {
  sources: {},
  simCameraUrl: '',
  ffmpegPath: 'ffmpeg',
  idleStopMs: 10_000,
  stallMs: 3000,
  subStream: true,
};

/** A source URL as the ingest takes it. */
export function parseSourceUrl(url: string): VideoSource {
  const u = new URL(url);
  if (u.protocol === 'http:' || u.protocol === 'https:') return { kind: 'mjpeg', url };
  if (u.protocol === 'rtsp:' || u.protocol === 'rtmp:' || u.protocol === 'srt:') {
    const listen = u.searchParams.has('listen');
    u.searchParams.delete('listen');
    return { kind: 'ffmpeg', url: u.toString(), ...(listen ? { listen: true } : {}) };
  }
  throw new Error(`video source ${url}: expected rtsp://, rtmp://, srt:// or http(s):// (Motion-JPEG)`);
}

const listens = (v: VideoSource) => v.kind === 'ffmpeg' && v.listen === true;

function sameSource(a: VideoSource, b: VideoSource): boolean {
  const subOf = (v: VideoSource) => (v.kind === 'ffmpeg' ? v.subUrl : undefined);
  return a.kind === b.kind && a.url === b.url && listens(a) === listens(b) && subOf(a) === subOf(b);
}

export interface StreamStatus {
  vehicleId: string;
  signal: SignalState;
  codec: string | undefined;
  viewers: number;
  subViewers: number;
  lastCapturedAtMs: number | null;
}

export class VideoStream {
  readonly hub: StreamHub;
  /** The `sub` rendition's hub, or null (Motion-JPEG, or sub-streams switched off). */
  readonly subHub: StreamHub | null;
  private readonly ingest: Ingest;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly stateListeners = new Set<(s: SignalState, codec: string | undefined) => void>();
  private readonly retiredListeners = new Set<() => void>();
  private retired = false;
  private readonly idleStopMs: number;
  codec: string | undefined;

  constructor(
    readonly vehicleId: string,
    readonly source: VideoSource,
    config: VideoConfig,
    log?: (line: string) => void,
  ) {
    this.idleStopMs = config.idleStopMs;
    const onDemand = () => {
      if (this.viewerCount > 0) {
        if (this.idleTimer) clearTimeout(this.idleTimer);
        this.idleTimer = null;
        this.ingest.start();
      } else {
        this.stopWhenIdle();
      }
    };
    this.hub = new StreamHub({ onDemand });
    this.subHub = source.kind === 'ffmpeg' && config.subStream ? new StreamHub({ onDemand }) : null;
    this.ingest = new Ingest({
      source,
      hub: this.hub,
      ...(this.subHub ? { subHub: this.subHub } : {}),
      stallMs: config.stallMs,
      ffmpegPath: config.ffmpegPath,
      ...(log ? { log } : {}),
      onState: (s, codec) => {
        this.codec = codec;
        for (const l of this.stateListeners) l(s, codec);
      },
    });
  }

  /** The hub of a rendition: `sub` falls back to `main` where the stream has none. */
  hubFor(rendition: VideoRendition): StreamHub {
    return rendition === 'sub' && this.subHub ? this.subHub : this.hub;
  }

  /** Viewers of every rendition. */
  get viewerCount(): number {
    return this.hub.viewerCount + (this.subHub?.viewerCount ?? 0);
  }

  get signal(): SignalState {
    return this.ingest.state;
  }

  get restarts(): number {
    return Math.max(0, this.ingest.starts - 1);
  }

  onState(l: (s: SignalState, codec: string | undefined) => void): () => void {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }

  /**
   * Called once when the stream is retired (its source replaced, or the service closed): its
   * viewers should leave and ask the service for the vehicle's stream again.
   */
  onRetired(l: () => void): () => void {
    if (this.retired) {
      l();
      return () => {};
    }
    this.retiredListeners.add(l);
    return () => this.retiredListeners.delete(l);
  }

  /** Starts the ingest now rather than at the first viewer; it stops again if nobody comes. */
  startNow(): void {
    this.ingest.start();
    if (this.viewerCount === 0) this.stopWhenIdle();
  }

  private stopWhenIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.ingest.stop();
    }, this.idleStopMs);
  }

  status(): StreamStatus {
    return {
      vehicleId: this.vehicleId,
      signal: this.signal,
      codec: this.codec,
      viewers: this.viewerCount,
      subViewers: this.subHub?.viewerCount ?? 0,
      lastCapturedAtMs: this.hub.lastCapturedAtMs,
    };
  }

  close(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.ingest.stop();
    if (this.retired) return;
    this.retired = true;
    for (const l of [...this.retiredListeners]) l();
    this.retiredListeners.clear();
  }
}

export class VideoService {
  private readonly streams = new Map<string, VideoStream>();

  constructor(
    private readonly config: VideoConfig,
    /** The vehicle's serial number and bound MAVLink system id (null: no such vehicle). */
    private readonly vehicleOf: (
      vehicleId: string,
    ) => Promise<{ serial: string; sysid: number | null } | null>,
    private readonly log?: (line: string) => void,
    /**
     * The stream URI the vehicle's camera announced (with the camera's own sub-stream, if it
     * announced one), or null.
     */
    private readonly announced: (
      vehicleId: string,
    ) => Promise<string | { uri: string; subUri: string | null } | null> = async () => null,
  ) {}

  /** Where a vehicle's video comes from, or null when it has none. */
  async sourceFor(vehicleId: string): Promise<VideoSource | null> {
    const announced = await this.announced(vehicleId);
    if (announced) {
      const { uri, subUri } = typeof announced === 'string' ? { uri: announced, subUri: null } : announced;
      try {
        const source = parseSourceUrl(uri);
        const sub = subUri ? parseSourceUrl(subUri) : null;
        return source.kind === 'ffmpeg' && sub?.kind === 'ffmpeg' ? { ...source, subUrl: sub.url } : source;
      } catch (err) {
        this.log?.(`announced stream of ${vehicleId} ignored: ${(err as Error).message}`);
      }
    }
    const byId = this.config.sources[vehicleId];
    if (byId) return parseSourceUrl(byId);
    const vehicle = await this.vehicleOf(vehicleId);
    if (!vehicle) return null;
    const bySerial = this.config.sources[vehicle.serial];
    if (bySerial) return parseSourceUrl(bySerial);
    if (!this.config.simCameraUrl || vehicle.sysid === null) return null;
    return parseSourceUrl(this.config.simCameraUrl.replaceAll('{sysid}', String(vehicle.sysid)));
  }

  /** The vehicle's stream (created on first use), or null when it has no video source. */
  async stream(vehicleId: string): Promise<VideoStream | null> {
    const existing = this.streams.get(vehicleId);
    if (existing) return existing;
    const source = await this.sourceFor(vehicleId);
    if (!source) return null;
    const again = this.streams.get(vehicleId);
    if (again) return again;
    const s = new VideoStream(vehicleId, source, this.config, this.log);
    this.streams.set(vehicleId, s);
    return s;
  }

  /**
   * The vehicle's camera announced (another) stream. When that changes the source, the stream is
   * replaced at once: a watched one by a new stream whose ingest starts now (its viewers are told
   * to reconnect and find it), one nobody watches is just dropped (the next viewer opens the new
   * source). Returns whether the stream was replaced or dropped.
   */
  async sourceChanged(vehicleId: string): Promise<boolean> {
    const s = this.streams.get(vehicleId);
    if (!s) return false;
    const next = await this.sourceFor(vehicleId);
    if (this.streams.get(vehicleId) !== s) return false;
    if (next && sameSource(next, s.source)) return false;
    this.streams.delete(vehicleId);
    if (next && s.viewerCount > 0) {
      this.log?.(`video of ${vehicleId}: source changed to ${next.url}, switching its viewers over`);
      const fresh = new VideoStream(vehicleId, next, this.config, this.log);
      this.streams.set(vehicleId, fresh);
      fresh.startNow();
    }
    s.close();
    return true;
  }

  list(): StreamStatus[] {
    return [...this.streams.values()].map((s) => s.status());
  }

  close(): void {
    for (const s of this.streams.values()) s.close();
    this.streams.clear();
  }
}
