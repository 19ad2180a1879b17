import { createWriteStream, type WriteStream } from 'node:fs';
import type { MavlinkConnection } from './connection.ts';

/** Wall-clock microseconds since the Unix epoch, with sub-millisecond resolution. */
export function nowUs(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * Writes a standard .tlog (as QGroundControl and Mission Planner read it): for each packet an
 * 8-byte big-endian timestamp in microseconds since the epoch, then the raw frame. Both
 * directions of every attached connection go into the same file, in the order they passed.
 */
export class TlogRecorder {
  private readonly stream: WriteStream;
  private readonly detachers: (() => void)[] = [];
  private closing: Promise<void> | null = null;
  private error: Error | null = null;
  private count = 0;

  constructor(
    readonly path: string,
    private readonly clockUs: () => number = nowUs,
  ) {
    this.stream = createWriteStream(path, { flags: 'a' });
    this.stream.on('error', (err) => {
      this.error = err;
    });
  }

  /** Records everything `connection` receives (CRC-valid) and sends; returns a detach function. */
  attach(connection: MavlinkConnection): () => void {
    const offIn = connection.onPacket((p) => this.write(p.raw));
    const offOut = connection.onOutbound((raw) => this.write(raw));
    const detach = () => {
      offIn();
      offOut();
    };
    this.detachers.push(detach);
    return detach;
  }

  /** Appends one record (the packet is copied). No-op after close(). */
  write(packet: Uint8Array, timestampUs: number = this.clockUs()): void {
    if (this.closing || this.error) return;
    const rec = Buffer.allocUnsafe(8 + packet.length);
    rec.writeUInt32BE(Math.floor(timestampUs / 2 ** 32), 0);
    rec.writeUInt32BE((timestampUs % 2 ** 32) >>> 0, 4);
    rec.set(packet, 8);
    this.stream.write(rec);
    this.count++;
  }

  /** Records written so far. */
  records(): number {
    return this.count;
  }

  /** Detaches from all connections, flushes and closes the file; idempotent. Rejects on a write error. */
  close(): Promise<void> {
    if (!this.closing) {
      for (const d of this.detachers.splice(0)) d();
      this.closing = new Promise<void>((resolve, reject) => {
        this.stream.end(() => (this.error ? reject(this.error) : resolve()));
        this.stream.once('error', reject);
      });
    }
    return this.closing;
  }
}
