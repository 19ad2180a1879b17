import { type MavLinkData, type MavLinkDataConstructor, MavLinkProtocolV2 } from 'node-mavlink';
import { mavlinkCrc } from './crc.ts';
import { crcExtraOf } from './registry.ts';

export const STX_V1 = 0xfe;
export const STX_V2 = 0xfd;
export const V1_HEADER_LEN = 6;
export const V2_HEADER_LEN = 10;
export const SIGNATURE_LEN = 13;
/** MAVLink 2 incompatibility flag: the frame carries a 13-byte signature. */
export const IFLAG_SIGNED = 0x01;

/**
 * Called for every CRC-valid frame. `bytes[offset, offset + length)` is the whole frame
 * (header to signature); it is a view into the received chunk, valid for the duration of
 * the call only unless the chunk is never reused (socket chunks never are).
 */
export type FrameHandler = (bytes: Buffer, offset: number, length: number, msgid: number) => void;

/** Counters of what the framing layer threw away. */
export interface DecoderCounters {
  crcErrors: number;
  /** Frames whose message id no known dialect defines: they cannot be CRC-checked. */
  unknownIds: number;
  /** MAVLink 2 frames with incompatibility flags this implementation does not know. */
  badFlags: number;
  /** Bytes skipped while looking for a start byte. */
  discardedBytes: number;
}

/** Length of a complete frame at `i`, 0 if not enough bytes to tell. */
function frameLength(d: Uint8Array, i: number, n: number): number {
  if (i + 1 >= n) return 0;
  if (d[i] === STX_V2) {
    if (i + 2 >= n) return 0;
    return (
      V2_HEADER_LEN + (d[i + 1] as number) + 2 + ((d[i + 2] as number) & IFLAG_SIGNED ? SIGNATURE_LEN : 0)
    );
  }
  return V1_HEADER_LEN + (d[i + 1] as number) + 2;
}

/**
 * Streaming MAVLink v1/v2 deframer. Synchronous and allocation-free on the common path
 * (whole packets per chunk): frames are handed out as offsets into the chunk. Anything that is
 * not a CRC-valid frame is skipped one byte at a time, so garbage never hides a later packet.
 */
export class MavlinkDecoder {
  private pending: Buffer | null = null;

  /** `counters` may be shared by several decoders (one per client of a multi-client link). */
  constructor(
    private readonly onFrame: FrameHandler,
    readonly counters: DecoderCounters = { crcErrors: 0, unknownIds: 0, badFlags: 0, discardedBytes: 0 },
  ) {}

  /** Feeds received bytes; calls the frame handler synchronously for each valid frame. */
  push(chunk: Buffer): void {
    let d = chunk;
    if (this.pending !== null) {
      d = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    const n = d.length;
    const c = this.counters;
    let i = 0;
    // try/finally: a throwing frame handler must not lose the rest of the chunk.
    try {
      while (i < n) {
        const stx = d[i];
        if (stx !== STX_V2 && stx !== STX_V1) {
          i++;
          c.discardedBytes++;
          continue;
        }
        const len = frameLength(d, i, n);
        if (len === 0 || i + len > n) {
          // Incomplete: wait for more bytes, unless a complete valid frame starts later in
          // this chunk, which proves this start byte was noise (datagram links would
          // otherwise hold a good packet hostage behind a false start).
          const next = this.findValidAfter(d, i + 1, n);
          if (next < 0) break;
          c.discardedBytes += next - i;
          i = next;
          continue;
        }
        const r = this.check(d, i);
        if (r >= 0) {
          const at = i;
          i += len;
          this.onFrame(d, at, len, r);
        } else {
          if (r === -1) c.crcErrors++;
          else if (r === -2) c.unknownIds++;
          else c.badFlags++;
          i++;
          c.discardedBytes++;
        }
      }
    } finally {
      if (i < n) this.pending = Buffer.from(d.subarray(i));
    }
  }

  /** Drops any partial frame held from earlier chunks (e.g. after a link reconnects). */
  reset(): void {
    this.pending = null;
  }

  /** Bytes held waiting for the rest of a frame. */
  pendingBytes(): number {
    return this.pending?.length ?? 0;
  }

  /** msgid when the frame at `i` is valid, -1 bad CRC, -2 unknown id, -3 unknown flags. */
  private check(d: Buffer, i: number): number {
    let msgid: number;
    let crcEnd: number;
    if (d[i] === STX_V2) {
      if ((d[i + 2] as number) & ~IFLAG_SIGNED) return -3;
      msgid = (d[i + 7] as number) | ((d[i + 8] as number) << 8) | ((d[i + 9] as number) << 16);
      crcEnd = i + V2_HEADER_LEN + (d[i + 1] as number);
    } else {
      msgid = d[i + 5] as number;
      crcEnd = i + V1_HEADER_LEN + (d[i + 1] as number);
    }
    const extra = crcExtraOf(msgid);
    if (extra < 0) return -2;
    const crc = mavlinkCrc(d, i + 1, crcEnd, extra);
    if (crc !== ((d[crcEnd] as number) | ((d[crcEnd + 1] as number) << 8))) return -1;
    return msgid;
  }

  private findValidAfter(d: Buffer, from: number, n: number): number {
    for (let j = from; j < n; j++) {
      const b = d[j];
      if (b !== STX_V2 && b !== STX_V1) continue;
      const len = frameLength(d, j, n);
      if (len === 0 || j + len > n) continue;
      if (this.check(d, j) >= 0) return j;
    }
    return -1;
  }
}

/** Header fields of a frame, read without allocating a header object. */
export const frameSeq = (d: Uint8Array, i: number): number =>
  (d[i] === STX_V2 ? d[i + 4] : d[i + 2]) as number;
export const frameSysid = (d: Uint8Array, i: number): number =>
  (d[i] === STX_V2 ? d[i + 5] : d[i + 3]) as number;
export const frameCompid = (d: Uint8Array, i: number): number =>
  (d[i] === STX_V2 ? d[i + 6] : d[i + 4]) as number;
export const framePayloadOffset = (d: Uint8Array, i: number): number =>
  i + (d[i] === STX_V2 ? V2_HEADER_LEN : V1_HEADER_LEN);
export const framePayloadLength = (d: Uint8Array, i: number): number => d[i + 1] as number;
export const frameIsSigned = (d: Uint8Array, i: number): boolean =>
  d[i] === STX_V2 && ((d[i + 2] as number) & IFLAG_SIGNED) !== 0;

// One serializer instance: its header fields are overwritten below, only its field
// serialization is used.
const serializer = new MavLinkProtocolV2(0, 0);

/** Identity and sequence a MAVLink 2 frame is sent with. */
export interface FrameIds {
  sysid: number;
  compid: number;
  seq: number;
}

/**
 * Serializes `message` as an unsigned-or-to-be-signed MAVLink 2 frame. Payload trailing
 * zeros are trimmed as the spec requires, keeping at least one byte (the C library never
 * sends an empty payload; node-mavlink would). With `signed`, IFLAG_SIGNED is set before the
 * CRC is computed and 13 zero bytes are reserved for the signature, which the caller fills.
 */
export function encodeFrame(message: MavLinkData, ids: FrameIds, signed = false): Buffer {
  const def = message.constructor as MavLinkDataConstructor<MavLinkData>;
  const tmp = serializer.serialize(message, 0);
  let plen = tmp[1] as number;
  if (plen === 0) plen = 1;
  const total = V2_HEADER_LEN + plen + 2 + (signed ? SIGNATURE_LEN : 0);
  const out = Buffer.alloc(total);
  out[0] = STX_V2;
  out[1] = plen;
  out[2] = signed ? IFLAG_SIGNED : 0;
  out[3] = 0;
  out[4] = ids.seq & 0xff;
  out[5] = ids.sysid & 0xff;
  out[6] = ids.compid & 0xff;
  out[7] = def.MSG_ID & 0xff;
  out[8] = (def.MSG_ID >> 8) & 0xff;
  out[9] = (def.MSG_ID >> 16) & 0xff;
  tmp.copy(out, V2_HEADER_LEN, V2_HEADER_LEN, V2_HEADER_LEN + Math.min(plen, tmp[1] as number));
  const crc = mavlinkCrc(out, 1, V2_HEADER_LEN + plen, def.MAGIC_NUMBER);
  out[V2_HEADER_LEN + plen] = crc & 0xff;
  out[V2_HEADER_LEN + plen + 1] = crc >> 8;
  return out;
}
