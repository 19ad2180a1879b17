/**
 * Sortie .tlog uploads waiting for the server, and how one is cut into 'bridge.tlog' chunks.
 *
 * Resend policy: an upload stays queued until the server answers its last chunk with `done`
 * or refuses it for good ('BadChunk', 'UnknownVehicle', 'NoSortie', 'BadWindow', 'Unsupported':
 * sending the same bytes again cannot help). Anything else (no ack in time, a disconnect,
 * 'ServerError', 'OutOfOrder', 'Busy') sends the whole upload again from chunk 0 later; the
 * server assembles per uploadId and storing the same bytes twice is harmless (the media store
 * is content-addressed and the sortie is chosen by the same window).
 *
 * An upload waits until the outbox has the disarm event acknowledged (`afterSeq`): the server
 * links a tlog to a sortie it already knows, and after an outage the events replay first.
 *
 * The queue is bounded in bytes (default 256 MiB): past it the OLDEST upload is dropped, with
 * a warning (a bridge cut off for days must not run out of memory).
 */
import type { TlogChunk } from './events.ts';
import type { SortieTlog } from './sortie-recorder.ts';

/** One recording queued for the server. */
export interface TlogUpload extends SortieTlog {
  uploadId: string;
  /** Sent only once the outbox has acknowledged this seq (the disarm event). */
  afterSeq: number;
}

/** 256 KiB: a quarter of Socket.IO's default 1 MB message limit. */
export const DEFAULT_TLOG_CHUNK_BYTES = 256 * 1024;

/** Codes after which the same upload is not sent again. */
export const FINAL_TLOG_ERRORS: ReadonlySet<string> = new Set([
  'BadChunk',
  'UnknownVehicle',
  'NoSortie',
  'BadWindow',
  'Unsupported',
]);

/** The chunks of `upload`, in order; an empty recording is one empty chunk. */
export function tlogChunks(upload: TlogUpload, chunkBytes = DEFAULT_TLOG_CHUNK_BYTES): TlogChunk[] {
  if (!Number.isInteger(chunkBytes) || chunkBytes <= 0)
    throw new RangeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
  const total = upload.bytes.length;
  const count = Math.max(1, Math.ceil(total / chunkBytes));
  const chunks: TlogChunk[] = [];
  for (let index = 0; index < count; index++) {
    chunks.push({
      uploadId: upload.uploadId,
      sysid: upload.sysid,
      fromMs: upload.fromMs,
      toMs: upload.toMs,
      index,
      count,
      totalBytes: total,
      truncated: upload.truncated,
      chunk: upload.bytes.subarray(index * chunkBytes, Math.min(total, (index + 1) * chunkBytes)),
    });
  }
  return chunks;
}

export interface TlogUploadQueueOptions {
  /** Bytes of recordings kept before the oldest is dropped (default 256 MiB). */
  maxBytes?: number;
  onDrop?: (upload: TlogUpload, why: string) => void;
}

export class TlogUploadQueue {
  private readonly uploads: TlogUpload[] = [];
  private readonly maxBytes: number;
  private readonly onDrop: (upload: TlogUpload, why: string) => void;
  private bytes = 0;

  constructor(opts: TlogUploadQueueOptions = {}) {
    this.maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
    this.onDrop = opts.onDrop ?? (() => {});
  }

  add(upload: TlogUpload): void {
    this.uploads.push(upload);
    this.bytes += upload.bytes.length;
    while (this.bytes > this.maxBytes && this.uploads.length > 1) {
      const dropped = this.uploads.shift()!;
      this.bytes -= dropped.bytes.length;
      this.onDrop(dropped, `the bridge holds more than ${this.maxBytes} bytes of unsent tlogs`);
    }
  }

  /** The oldest upload whose disarm event the server has (seq <= ackedSeq), if any. */
  next(ackedSeq: number): TlogUpload | undefined {
    return this.uploads.find((u) => u.afterSeq <= ackedSeq);
  }

  /** Forgets an upload (stored, or refused for good). */
  remove(uploadId: string): void {
    const i = this.uploads.findIndex((u) => u.uploadId === uploadId);
    if (i < 0) return;
    this.bytes -= this.uploads[i]!.bytes.length;
    this.uploads.splice(i, 1);
  }

  get size(): number {
    return this.uploads.length;
  }

  get totalBytes(): number {
    return this.bytes;
  }
}
