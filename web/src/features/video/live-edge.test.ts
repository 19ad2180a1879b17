import { describe, expect, it } from 'vitest';
import { codecOfInit, liveEdgeSeek, readUnitHeader, reconnectDelayMs, trimBefore } from './live-edge.ts';

describe('live video player pieces', () => {
  it('reads the unit header the server writes', () => {
    const b = new ArrayBuffer(20);
    const dv = new DataView(b);
    dv.setUint32(0, 2, true);
    dv.setUint32(4, 77, true);
    dv.setFloat64(8, 1_765_000_000_123.5, true);
    expect(readUnitHeader(b)).toEqual({ kind: 'key', seq: 77, capturedAtMs: 1_765_000_000_123.5 });
    expect(readUnitHeader(new ArrayBuffer(4))).toBeNull();
    dv.setUint8(0, 9);
    expect(readUnitHeader(b)).toBeNull();
  });

  it('jumps to the live edge only when the playhead falls behind (or ahead of what is buffered)', () => {
    expect(liveEdgeSeek(10, 10.2)).toBeNull();
    expect(liveEdgeSeek(10, 11)).toBeCloseTo(10.97);
    expect(liveEdgeSeek(12, 11)).toBeCloseTo(10.97);
    expect(liveEdgeSeek(0, null)).toBeNull();
  });

  it('reads the codec from the init segment', () => {
    const init = new Uint8Array([0, 0, 0, 13, 0x61, 0x76, 0x63, 0x43, 1, 0x64, 0x00, 0x28, 0xff]);
    expect(codecOfInit(init)).toBe('avc1.640028');
    expect(codecOfInit(new Uint8Array(12))).toBeUndefined();
  });

  it('trims old media and backs off reconnects', () => {
    expect(trimBefore(0, 15)).toBeNull();
    expect(trimBefore(0, 25)).toBe(15);
    expect([0, 1, 2, 5, 10].map(reconnectDelayMs)).toEqual([250, 500, 1000, 5000, 5000]);
  });
});
