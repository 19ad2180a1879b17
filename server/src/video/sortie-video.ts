/**
 * Sortie video: while a vehicle's sortie is open its stream is recorded (one `SegmentRecorder`
 * subscribed to the stream's hub as one more consumer). ffmpeg writes each segment into a local
 * spool folder; the finished file is moved into the media store under `video/<sortieId>/<startMs>.mp4`
 * (in the local folder that is `<dataDir>/media/video/...`, as before; on S3 an upload) and indexed
 * in `sortie_video_segments`. A retention sweep deletes segments (objects and rows) older than the
 * configured number of days.
 */
import path from 'node:path';
import { asc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sortieVideoSegments } from '../db/schema.ts';
import type { MediaStore } from '../media/store.ts';
import type { StreamHub } from './hub.ts';
import type { VideoSource } from './ingest.ts';
import { type RecordedSegment, SegmentRecorder } from './recorder.ts';

export interface RecordingConfig {
  enabled: boolean;
  /** Length of one segment file. */
  segmentS: number;
  /** Segments older than this many days are deleted by the sweep. */
  retentionDays: number;
}

export const DEFAULT_RECORDING_CONFIG: RecordingConfig = { enabled: true, segmentS: 10, retentionDays: 30 };

/** What the recorder needs of a vehicle's live stream. */
export interface RecordableStream {
  readonly hub: StreamHub;
  readonly source: VideoSource;
}

export interface SortieVideoOptions {
  db: Db;
  /** Where finished segments go; rows keep their keys (`video/<sortieId>/<startMs>.mp4`). */
  store: MediaStore;
  /** Local folder ffmpeg writes segments into before they are moved into the store. */
  spoolDir: string;
  config: RecordingConfig;
  ffmpegPath: string;
  /** The vehicle's stream, or null when it has no video source. */
  streamOf: (vehicleId: string) => Promise<RecordableStream | null>;
  log?: (line: string) => void;
}

export interface SegmentRow {
  id: number;
  startMs: number;
  endMs: number;
  /** Key of the segment in the media store. */
  file: string;
  bytes: number;
  mime: string;
}

interface Active {
  recorder: SegmentRecorder;
  remove: () => void;
}

export class SortieVideo {
  private readonly active = new Map<string, Promise<Active | null>>();

  constructor(private readonly opts: SortieVideoOptions) {}

  /** Starts recording the vehicle's stream for `sortieId` (no-op without a source or when disabled). */
  start(vehicleId: string, sortieId: string): void {
    if (!this.opts.config.enabled || this.active.has(sortieId)) return;
    const started = this.open(vehicleId, sortieId).catch((err: Error) => {
      this.opts.log?.(`recording of sortie ${sortieId} failed to start: ${err.message}`);
      return null;
    });
    this.active.set(sortieId, started);
  }

  /** Stops the sortie's recording; resolves once its last segment is stored and indexed. */
  async stop(sortieId: string): Promise<void> {
    const a = this.active.get(sortieId);
    if (!a) return;
    this.active.delete(sortieId);
    const rec = await a;
    if (!rec) return;
    rec.remove();
    await rec.recorder.stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.stop(id)));
  }

  /** Sorties being recorded now. */
  get recording(): string[] {
    return [...this.active.keys()];
  }

  /** The sortie's segments, oldest first. */
  async segments(sortieId: string): Promise<SegmentRow[]> {
    const rows = await this.opts.db
      .select()
      .from(sortieVideoSegments)
      .where(eq(sortieVideoSegments.sortieId, sortieId))
      .orderBy(asc(sortieVideoSegments.startAt));
    return rows.map((r) => ({
      id: r.id,
      startMs: r.startAt.getTime(),
      endMs: r.endAt.getTime(),
      file: r.file,
      bytes: r.bytes,
      mime: r.mime,
    }));
  }

  /** Deletes every segment that ended more than `retentionDays` before `nowMs`; answers how many. */
  async sweep(nowMs: number): Promise<number> {
    const cutoff = new Date(nowMs - this.opts.config.retentionDays * 86_400_000);
    const old = await this.opts.db
      .select({ id: sortieVideoSegments.id, file: sortieVideoSegments.file })
      .from(sortieVideoSegments)
      .where(lt(sortieVideoSegments.endAt, cutoff));
    for (const row of old) {
      // A missing object is no error (deleted by another node's sweep).
      await this.opts.store.delete(row.file);
      await this.opts.db.delete(sortieVideoSegments).where(eq(sortieVideoSegments.id, row.id));
    }
    return old.length;
  }

  private async open(vehicleId: string, sortieId: string): Promise<Active | null> {
    const stream = await this.opts.streamOf(vehicleId);
    if (!stream) return null;
    if (!this.active.has(sortieId)) return null; // stopped while the stream was looked up
    const dir = path.join(this.opts.spoolDir, sortieId);
    const recorder = new SegmentRecorder({
      dir,
      segmentMs: this.opts.config.segmentS * 1000,
      format: stream.source.kind === 'mjpeg' ? 'jpeg' : 'fmp4',
      ffmpegPath: this.opts.ffmpegPath,
      onSegment: (seg) => this.index(vehicleId, sortieId, seg),
      onError: (err) => this.opts.log?.(`recording of sortie ${sortieId}: ${err.message}`),
    });
    const remove = recorder.attachTo(stream.hub);
    this.opts.log?.(`recording sortie ${sortieId} of vehicle ${vehicleId} into ${this.opts.store.location}`);
    return { recorder, remove };
  }

  private async index(vehicleId: string, sortieId: string, seg: RecordedSegment): Promise<void> {
    const key = `video/${sortieId}/${path.basename(seg.file)}`;
    const stored = await this.opts.store.putFile(key, seg.file, seg.mime);
    await this.opts.db.insert(sortieVideoSegments).values({
      sortieId,
      vehicleId,
      startAt: new Date(seg.startMs),
      endAt: new Date(Math.round(seg.endMs)),
      file: key,
      bytes: stored.bytes,
      mime: seg.mime,
    });
  }
}
