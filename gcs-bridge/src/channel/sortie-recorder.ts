/**
 * Records each vehicle's sortie as a .tlog in memory, from its 'armed' event to its
 * 'disarmed' event, for upload to the server (which links it to the sortie).
 *
 *   Idle --start(sysid)--> Recording --stop(sysid)--> Idle (a finished recording is returned)
 *   Recording --cap reached--> Recording (truncated: nothing more is written, stop() still ends it)
 *   Recording --start(sysid) again (the disarm was missed)--> the old recording is returned, a new one starts
 *
 * What goes in: every CRC-valid packet the vehicle sent (`sysid` matches) on the connections
 * recorded, and the bridge's own frames out of those connections that are meant for this
 * vehicle or for everyone (HEARTBEAT, broadcasts). Frames the bridge routes between links and
 * frames addressed to another vehicle stay out, so a shared radio link gives one vehicle's
 * conversation only. Format as `codec/tlog-recorder.ts`: 8-byte big-endian microseconds since
 * the epoch, then the raw frame.
 *
 * The packet that triggered the arm event was decoded before the event fired, so a recording
 * starts with the packet after it (the next HEARTBEAT still shows the vehicle armed).
 */
import type { PacketInfo } from '../codec/connection.ts';
import { STX_V2 } from '../codec/frame.ts';
import { messageEntry } from '../codec/registry.ts';
import { nowUs } from '../codec/tlog-recorder.ts';

/** What the recorder needs from a MavlinkConnection. */
export interface RecordableConnection {
  readonly id: string;
  /** The bridge's own system id on this connection (GCS_SYSID by default). */
  readonly sysid: number;
  onPacket(handler: (p: PacketInfo) => void): () => void;
  onOutbound(handler: (frame: Buffer) => void): () => void;
}

/** One finished recording. */
export interface SortieTlog {
  sysid: number;
  /** The arm and disarm events' times (ms since the epoch). */
  fromMs: number;
  toMs: number;
  bytes: Buffer;
  records: number;
  /** The size cap was reached: the recording stops at that point. */
  truncated: boolean;
}

export interface SortieRecorderOptions {
  connections: readonly RecordableConnection[];
  /** Largest recording per sortie in bytes (default 64 MiB); past it recording stops. */
  maxBytes?: number;
  /** Record timestamps (tests). */
  clockUs?: () => number;
}

interface Recording {
  sysid: number;
  fromMs: number;
  /** Filled blocks, then `block` filled up to `used`. */
  parts: Buffer[];
  block: Buffer | null;
  used: number;
  size: number;
  records: number;
  truncated: boolean;
  detach: () => void;
}

const BLOCK_BYTES = 256 * 1024;

/** 64 MiB: a few hours of a PX4 ground link at its default rates. */
export const DEFAULT_SORTIE_TLOG_MAX_BYTES = 64 * 1024 * 1024;

/**
 * True when an outbound frame is the bridge's own (source `ownSysid`) and addressed to
 * `sysid` or to nobody in particular (no target field, or target 0).
 */
export function outboundConcerns(frame: Buffer, ownSysid: number, sysid: number): boolean {
  const v2 = frame[0] === STX_V2;
  if (frame.length < (v2 ? 10 : 6)) return false;
  if (frame[v2 ? 5 : 3] !== ownSysid) return false;
  const msgid = v2
    ? (frame[7] as number) | ((frame[8] as number) << 8) | ((frame[9] as number) << 16)
    : (frame[5] as number);
  const entry = messageEntry(msgid);
  if (!entry || entry.targetSystemOffset < 0) return true;
  const plen = frame[1] as number;
  // MAVLink 2 trims trailing zeros: a target beyond the payload is 0 (broadcast).
  const target =
    entry.targetSystemOffset < plen ? (frame[(v2 ? 10 : 6) + entry.targetSystemOffset] as number) : 0;
  return target === 0 || target === sysid;
}

export class SortieRecorder {
  private readonly connections: readonly RecordableConnection[];
  private readonly maxBytes: number;
  private readonly clockUs: () => number;
  private readonly recordings = new Map<number, Recording>();

  constructor(opts: SortieRecorderOptions) {
    this.connections = opts.connections;
    this.maxBytes = opts.maxBytes ?? DEFAULT_SORTIE_TLOG_MAX_BYTES;
    this.clockUs = opts.clockUs ?? nowUs;
  }

  /**
   * Starts recording `sysid` (on the connection with id `linkId`, or on all when it is
   * unknown). A recording already running for it (its disarm never came) is finished and
   * returned, so nothing recorded is lost.
   */
  start(sysid: number, atMs: number, linkId?: string): SortieTlog | null {
    const previous = this.stop(sysid, atMs);
    const on = this.connections.filter((c) => c.id === linkId);
    const conns = on.length > 0 ? on : this.connections;
    const rec: Recording = {
      sysid,
      fromMs: atMs,
      parts: [],
      block: null,
      used: 0,
      size: 0,
      records: 0,
      truncated: false,
      detach: () => {},
    };
    const detachers: (() => void)[] = [];
    for (const c of conns) {
      detachers.push(
        c.onPacket((p) => {
          if (p.sysid === sysid) this.write(rec, p.raw);
        }),
        c.onOutbound((frame) => {
          if (outboundConcerns(frame, c.sysid, sysid)) this.write(rec, frame);
        }),
      );
    }
    rec.detach = () => {
      for (const d of detachers.splice(0)) d();
    };
    this.recordings.set(sysid, rec);
    return previous;
  }

  /** Ends the recording of `sysid` and returns it, or null when none was running. */
  stop(sysid: number, atMs: number): SortieTlog | null {
    const rec = this.recordings.get(sysid);
    if (!rec) return null;
    this.recordings.delete(sysid);
    rec.detach();
    if (rec.block) rec.parts.push(rec.block.subarray(0, rec.used));
    return {
      sysid,
      fromMs: rec.fromMs,
      toMs: Math.max(atMs, rec.fromMs),
      bytes: Buffer.concat(rec.parts, rec.size),
      records: rec.records,
      truncated: rec.truncated,
    };
  }

  /** True while `sysid` is being recorded. */
  recording(sysid: number): boolean {
    return this.recordings.has(sysid);
  }

  /** Drops every running recording (the bridge is stopping). */
  dispose(): void {
    for (const rec of this.recordings.values()) rec.detach();
    this.recordings.clear();
  }

  private write(rec: Recording, frame: Buffer): void {
    if (rec.truncated) return;
    const size = 8 + frame.length;
    if (rec.size + size > this.maxBytes) {
      rec.truncated = true;
      rec.detach();
      return;
    }
    // Records go into blocks: one Buffer per packet would cost more in overhead than in data.
    if (!rec.block || rec.used + size > rec.block.length) {
      if (rec.block) rec.parts.push(rec.block.subarray(0, rec.used));
      rec.block = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, size));
      rec.used = 0;
    }
    const ts = this.clockUs();
    const at = rec.used;
    rec.block.writeUInt32BE(Math.floor(ts / 2 ** 32), at);
    rec.block.writeUInt32BE((ts % 2 ** 32) >>> 0, at + 4);
    // Copied: a received frame is a view into the decoder's buffer.
    rec.block.set(frame, at + 8);
    rec.used += size;
    rec.size += size;
    rec.records++;
  }
}
