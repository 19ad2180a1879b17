/**
 * Pure pieces of the live player: the wire header (see server/src/video/wire.ts) and when to
 * jump to the live edge.
 */

export type UnitKind = 'init' | 'jpeg' | 'key' | 'delta';
const KINDS: UnitKind[] = ['init', 'jpeg', 'key', 'delta'];
export const UNIT_HEADER_BYTES = 16;

export interface UnitHeader {
  kind: UnitKind;
  seq: number;
  capturedAtMs: number;
}

/** Reads a binary message's header; null when it is not one. */
export function readUnitHeader(buf: ArrayBuffer): UnitHeader | null {
  if (buf.byteLength < UNIT_HEADER_BYTES) return null;
  const dv = new DataView(buf);
  const kind = KINDS[dv.getUint8(0)];
  if (!kind) return null;
  return { kind, seq: dv.getUint32(4, true), capturedAtMs: dv.getFloat64(8, true) };
}

/**
 * Operator video must be live, not smooth: when the playhead falls more than `maxBehindS`
 * behind the newest buffered frame, jump to just before it. Returns the time to seek to, or
 * null to leave playback alone.
 */
export function liveEdgeSeek(
  currentTime: number,
  bufferedEnd: number | null,
  maxBehindS = 0.3,
): number | null {
  if (bufferedEnd === null) return null;
  if (bufferedEnd - currentTime > maxBehindS || currentTime > bufferedEnd)
    return Math.max(0, bufferedEnd - 0.03);
  return null;
}

/** Older media to drop from the buffer so it never grows: everything before `keepS` behind the end. */
export function trimBefore(
  bufferedStart: number | null,
  bufferedEnd: number | null,
  keepS = 10,
): number | null {
  if (bufferedStart === null || bufferedEnd === null) return null;
  return bufferedEnd - bufferedStart > keepS * 2 ? bufferedEnd - keepS : null;
}

/** Reconnect delay after `attempt` failures in a row. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(5000, 250 * 2 ** attempt);
}

/** The MSE codec string of an init segment (`avc1.PPCCLL` from its avcC box), if it has one. */
export function codecOfInit(init: Uint8Array): string | undefined {
  for (let i = 4; i + 8 <= init.length; i++) {
    if (init[i] === 0x61 && init[i + 1] === 0x76 && init[i + 2] === 0x63 && init[i + 3] === 0x43) {
      const hex = (b: number) => b.toString(16).padStart(2, '0');
      if (i + 8 > init.length) return undefined;
      return `avc1.${hex(init[i + 5]!)}${hex(init[i + 6]!)}${hex(init[i + 7]!)}`;
    }
  }
  return undefined;
}
