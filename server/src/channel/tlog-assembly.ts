/**
 * Puts a bridge's 'bridge.tlog' chunks back together (contract in @aerie/gcs-bridge
 * `channel/events.ts`, resend policy in its `channel/tlog-upload.ts`).
 *
 * Per (bridge, uploadId): chunk 0 starts (or restarts) an assembly; the next chunk must be the
 * next index (a repeat of the last one is answered again, a gap is 'OutOfOrder' and the bridge
 * starts over); every chunk must agree with chunk 0 on the upload's fields. The assembly is
 * complete when `count` chunks holding `totalBytes` bytes have arrived.
 *
 * Bounded: assemblies idle for `maxIdleMs` are forgotten, and past `maxPendingBytes` in all
 * the oldest other assemblies are dropped first; a single chunk that still does not fit is
 * answered 'Busy'. A dropped assembly costs a resend, never a wrong tlog.
 */
import type { TlogChunk } from '@aerie/gcs-bridge';

/** A complete upload, ready to be stored: the upload's fields as its chunks gave them, and its bytes. */
export type AssembledTlog = Pick<TlogChunk, 'uploadId' | 'sysid' | 'fromMs' | 'toMs' | 'truncated'> & {
  bytes: Buffer;
};

export type ChunkOutcome =
  | { kind: 'partial'; received: number }
  | { kind: 'complete'; received: number; tlog: AssembledTlog }
  | { kind: 'refused'; code: 'BadChunk' | 'OutOfOrder' | 'Busy'; message: string };

export interface TlogAssemblerOptions {
  /** Bytes held in unfinished assemblies, all bridges together (default 256 MiB). */
  maxPendingBytes?: number;
  /** An assembly with no chunk for this long is forgotten (default 10 min). */
  maxIdleMs?: number;
  /** Largest chunk accepted (default 1 MiB: Socket.IO's own message limit). */
  maxChunkBytes?: number;
  /** Largest whole upload accepted (default 128 MiB, twice the bridge's default cap). */
  maxUploadBytes?: number;
  now?: () => number;
}

interface Assembly {
  key: string;
  head: Omit<TlogChunk, 'chunk' | 'index'>;
  parts: Buffer[];
  bytes: number;
  lastMs: number;
}

const isInt = (v: unknown): v is number => Number.isInteger(v);

/** Why `c` is not a usable chunk, or null. */
export function checkTlogChunk(c: unknown, maxChunkBytes: number, maxUploadBytes: number): string | null {
  if (typeof c !== 'object' || c === null) return 'a tlog chunk must be an object';
  const x = c as Record<string, unknown>;
  if (typeof x.uploadId !== 'string' || x.uploadId.length === 0 || x.uploadId.length > 100)
    return 'uploadId must be a string of 1..100 characters';
  if (!isInt(x.sysid) || x.sysid < 1 || x.sysid > 255) return 'sysid must be an integer 1..255';
  if (
    typeof x.fromMs !== 'number' ||
    typeof x.toMs !== 'number' ||
    !Number.isFinite(x.fromMs) ||
    !Number.isFinite(x.toMs) ||
    x.fromMs > x.toMs
  )
    return 'fromMs..toMs must be a time range in ms';
  if (!isInt(x.totalBytes) || x.totalBytes < 0 || x.totalBytes > maxUploadBytes)
    return `totalBytes must be an integer 0..${maxUploadBytes}`;
  if (!isInt(x.count) || x.count < 1 || x.count > Math.max(1, x.totalBytes))
    return 'count must be an integer 1..totalBytes';
  if (!isInt(x.index) || x.index < 0 || x.index >= x.count) return `index must be an integer 0..count-1`;
  if (typeof x.truncated !== 'boolean') return 'truncated must be a boolean';
  if (!(x.chunk instanceof Uint8Array)) return 'chunk must be binary';
  if (x.chunk.length > maxChunkBytes) return `chunk is larger than ${maxChunkBytes} bytes`;
  return null;
}

export class TlogAssembler {
  private readonly pending = new Map<string, Assembly>();
  private readonly maxPendingBytes: number;
  private readonly maxIdleMs: number;
  private readonly maxChunkBytes: number;
  private readonly maxUploadBytes: number;
  private readonly now: () => number;
  private pendingBytes = 0;

  constructor(opts: TlogAssemblerOptions = {}) {
    this.maxPendingBytes = opts.maxPendingBytes ?? 256 * 1024 * 1024;
    this.maxIdleMs = opts.maxIdleMs ?? 10 * 60_000;
    this.maxChunkBytes = opts.maxChunkBytes ?? 1024 * 1024;
    this.maxUploadBytes = opts.maxUploadBytes ?? 128 * 1024 * 1024;
    this.now = opts.now ?? Date.now;
  }

  /** Takes one chunk from bridge `bridgeId`. */
  accept(bridgeId: string, input: unknown): ChunkOutcome {
    const bad = checkTlogChunk(input, this.maxChunkBytes, this.maxUploadBytes);
    if (bad) return { kind: 'refused', code: 'BadChunk', message: bad };
    const c = input as TlogChunk;
    const now = this.now();
    this.expire(now);
    const key = `${bridgeId}\u0000${c.uploadId}`;
    let a = this.pending.get(key);
    if (c.index === 0) {
      if (a) this.drop(a);
      const { chunk: _chunk, index: _index, ...head } = c;
      a = { key, head, parts: [], bytes: 0, lastMs: now };
      this.pending.set(key, a);
    } else if (!a) {
      return {
        kind: 'refused',
        code: 'OutOfOrder',
        message: `chunk ${c.index} of an upload never started; send from chunk 0`,
      };
    }
    const h = a.head;
    if (
      c.sysid !== h.sysid ||
      c.fromMs !== h.fromMs ||
      c.toMs !== h.toMs ||
      c.count !== h.count ||
      c.totalBytes !== h.totalBytes ||
      c.truncated !== h.truncated
    ) {
      this.drop(a);
      return {
        kind: 'refused',
        code: 'BadChunk',
        message: `chunk ${c.index} does not match chunk 0 of upload ${c.uploadId}`,
      };
    }
    a.lastMs = now;
    // A resend of the chunk just stored (its ack was lost) changes nothing.
    if (c.index === a.parts.length - 1) return { kind: 'partial', received: a.parts.length };
    if (c.index !== a.parts.length) {
      return {
        kind: 'refused',
        code: 'OutOfOrder',
        message: `expected chunk ${a.parts.length}, got ${c.index}; send from chunk 0`,
      };
    }
    if (a.bytes + c.chunk.length > h.totalBytes) {
      this.drop(a);
      return {
        kind: 'refused',
        code: 'BadChunk',
        message: `upload ${c.uploadId} is longer than its totalBytes ${h.totalBytes}`,
      };
    }
    if (!this.makeRoom(c.chunk.length, a)) {
      return {
        kind: 'refused',
        code: 'Busy',
        message: 'the server holds too many unfinished tlog uploads; try later',
      };
    }
    a.parts.push(Buffer.from(c.chunk.buffer, c.chunk.byteOffset, c.chunk.byteLength));
    a.bytes += c.chunk.length;
    this.pendingBytes += c.chunk.length;
    if (a.parts.length < h.count) return { kind: 'partial', received: a.parts.length };
    this.drop(a);
    if (a.bytes !== h.totalBytes)
      return {
        kind: 'refused',
        code: 'BadChunk',
        message: `upload ${c.uploadId} has ${a.bytes} bytes, not the ${h.totalBytes} announced`,
      };
    return {
      kind: 'complete',
      received: h.count,
      tlog: {
        uploadId: h.uploadId,
        sysid: h.sysid,
        fromMs: h.fromMs,
        toMs: h.toMs,
        truncated: h.truncated,
        bytes: Buffer.concat(a.parts, a.bytes),
      },
    };
  }

  /** Unfinished assemblies and their bytes. */
  stats(): { uploads: number; bytes: number } {
    return { uploads: this.pending.size, bytes: this.pendingBytes };
  }

  private drop(a: Assembly): void {
    if (this.pending.get(a.key) !== a) return;
    this.pending.delete(a.key);
    this.pendingBytes -= a.bytes;
  }

  private expire(now: number): void {
    for (const a of this.pending.values()) if (now - a.lastMs > this.maxIdleMs) this.drop(a);
  }

  /** Drops the oldest other assemblies until `n` more bytes fit; false when they cannot. */
  private makeRoom(n: number, keep: Assembly): boolean {
    if (this.pendingBytes + n <= this.maxPendingBytes) return true;
    const others = [...this.pending.values()].filter((a) => a !== keep).sort((x, y) => x.lastMs - y.lastMs);
    for (const a of others) {
      this.drop(a);
      if (this.pendingBytes + n <= this.maxPendingBytes) return true;
    }
    return false;
  }
}
