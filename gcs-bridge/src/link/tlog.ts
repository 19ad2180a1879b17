import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { BaseLink } from './link.ts';
import type { LinkSpec } from './uri.ts';

/** One .tlog record: when it was logged and the raw MAVLink frame. */
export interface TlogRecord {
  /** Microseconds since the Unix epoch (the record's 8-byte big-endian prefix). */
  timestampUs: number;
  packet: Buffer;
}

const STX_V1 = 0xfe;
const STX_V2 = 0xfd;

/** Length of the frame at `i` from its header, 0 when not a start byte or too short to tell. */
function frameLen(d: Buffer, i: number): number {
  const stx = d[i];
  if (stx === STX_V2) {
    if (i + 2 >= d.length) return -1;
    return 12 + (d[i + 1] as number) + ((d[i + 2] as number) & 1 ? 13 : 0);
  }
  if (stx === STX_V1) {
    if (i + 1 >= d.length) return -1;
    return 8 + (d[i + 1] as number);
  }
  return 0;
}

/**
 * Splits tlog bytes into records starting at `from`; returns the records and where the
 * unconsumed tail starts. A corrupt record (no start byte after the timestamp) is skipped by
 * sliding one byte, the way Mission Planner recovers.
 */
export function splitTlog(d: Buffer, from = 0): { records: TlogRecord[]; rest: number } {
  const records: TlogRecord[] = [];
  let i = from;
  while (d.length - i >= 8 + 8) {
    const len = frameLen(d, i + 8);
    if (len === 0) {
      i++;
      continue;
    }
    if (len < 0 || i + 8 + len > d.length) break;
    const timestampUs = d.readUInt32BE(i) * 2 ** 32 + d.readUInt32BE(i + 4);
    records.push({ timestampUs, packet: d.subarray(i + 8, i + 8 + len) });
    i += 8 + len;
  }
  return { records, rest: i };
}

/** Reads a .tlog file record by record, streaming (flight logs can be hundreds of MB). */
export async function* readTlog(path: string): AsyncGenerator<TlogRecord> {
  let tail: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path)) {
    const d = tail.length ? Buffer.concat([tail, chunk as Buffer]) : (chunk as Buffer);
    const { records, rest } = splitTlog(d);
    for (const r of records) yield r;
    tail = Buffer.from(d.subarray(rest));
  }
}

type TlogSpec = Extract<LinkSpec, { kind: 'tlog' }>;

/**
 * Read-only link that replays a recorded .tlog with its original timing scaled by `speed`
 * (0 = as fast as possible). Writes are dropped and counted: the recorded vehicle cannot
 * answer. Reports 'disconnected' with reason "replay finished" at the end.
 */
export class TlogReplayLink extends BaseLink {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private finished: Promise<void> = Promise.resolve();
  private replayed = 0;

  constructor(
    override readonly spec: TlogSpec,
    uri: string,
    id?: string,
  ) {
    super(spec, uri, id);
  }

  async open(): Promise<void> {
    if (this.running) return;
    try {
      await access(this.spec.path);
    } catch (err) {
      throw new Error(`${this.uri}: cannot read ${this.spec.path}: ${(err as Error).message}`);
    }
    this.running = true;
    this.closed = false;
    this.replayed = 0;
    this.setStatus('connected', `replaying ${this.spec.path} at speed ${this.spec.speed}`);
    this.finished = this.run();
  }

  /** Resolves when the replay has emitted every record (or was closed). */
  whenFinished(): Promise<void> {
    return this.finished;
  }

  /** Records emitted so far. */
  recordsReplayed(): number {
    return this.replayed;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.timer = null;
        this.wake = null;
        resolve();
      }, ms);
    });
  }

  private async run(): Promise<void> {
    const speed = this.spec.speed;
    const it = readTlog(this.spec.path);
    let first: number | null = null;
    const start = performance.now();
    let sinceYield = 0;
    try {
      for await (const rec of it) {
        if (this.closed) return;
        if (first === null) first = rec.timestampUs;
        if (speed > 0) {
          const due = start + (rec.timestampUs - first) / 1000 / speed;
          const wait = due - performance.now();
          if (wait >= 1) await this.sleep(wait);
        } else if (++sinceYield >= 256) {
          // Let sockets and timers run between batches when replaying flat out.
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        if (this.closed) return;
        this.replayed++;
        this.emitData(rec.packet);
      }
    } catch (err) {
      if (!this.closed) this.setStatus('error', `${this.spec.path}: ${(err as Error).message}`);
      return;
    }
    if (!this.closed) this.setStatus('disconnected', `replay finished (${this.replayed} packets)`);
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
    this.wake = null;
    await this.finished;
    this.setStatus('disconnected', 'closed');
  }

  write(_bytes: Uint8Array): void {
    this.dropped++;
  }
}
