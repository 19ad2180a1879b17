/**
 * What a video viewer receives on its WebSocket: one binary message per unit, a 16-byte
 * header and the unit's bytes. Little-endian:
 *
 *   offset 0  u8   kind (0 init segment, 1 JPEG image, 2 fMP4 key fragment, 3 fMP4 fragment)
 *   offset 1  3 bytes reserved (0)
 *   offset 4  u32  sequence number given by the hub (0xffffffff for the init segment)
 *   offset 8  f64  capture time, epoch ms (0 for the init segment)
 *   offset 16      payload
 *
 * Text messages carry the stream state as JSON (`{"type":"state","signal":true|false}`).
 */
import type { StreamUnit } from './hub.ts';

export const UNIT_HEADER_BYTES = 16;
export type UnitKind = 'init' | 'jpeg' | 'key' | 'delta';
const KIND_CODE: Record<UnitKind, number> = { init: 0, jpeg: 1, key: 2, delta: 3 };

/** Frames a unit for the wire (one copy of the payload). */
export function encodeUnit(kind: UnitKind, unit: StreamUnit): Buffer {
  const out = Buffer.allocUnsafe(UNIT_HEADER_BYTES + unit.bytes.byteLength);
  out.writeUInt32LE(KIND_CODE[kind], 0);
  out.writeUInt32LE(unit.seq !== undefined && unit.seq >= 0 ? unit.seq >>> 0 : 0xffffffff, 4);
  out.writeDoubleLE(unit.capturedAtMs, 8);
  out.set(unit.bytes, UNIT_HEADER_BYTES);
  return out;
}
