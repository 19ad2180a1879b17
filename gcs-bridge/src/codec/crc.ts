/**
 * CRC-16/MCRF4XX ("X.25") as MAVLink uses it: seed 0xffff, the frame bytes after the magic
 * byte, then the message's CRC_EXTRA byte. A 256-entry table keeps it to one lookup per byte
 * on the decode hot path.
 */
const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  TABLE[i] = crc;
}

/** CRC of `bytes[start, end)` followed by `extra` (the message's CRC_EXTRA). */
export function mavlinkCrc(bytes: Uint8Array, start: number, end: number, extra: number): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc = (crc >>> 8) ^ (TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number);
  }
  return (crc >>> 8) ^ (TABLE[(crc ^ extra) & 0xff] as number);
}
