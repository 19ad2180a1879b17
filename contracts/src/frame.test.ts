import { describe, expect, it } from 'vitest';
import { checkFrame } from './frame.ts';

const meta = {
  vehicleId: 'v1',
  capturedAtMs: 1_700_000_000_000,
  pose: { lat: 23.03, lon: 113.14, altMslM: 120, altRelM: 100, rollDeg: 0, pitchDeg: 0, yawDeg: 90 },
  gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
  camera: { hfovDeg: 80, width: 1280, height: 720 },
};

describe('checkFrame', () => {
  it('accepts an encoded frame and a raw RGB frame of the right size', () => {
    expect(checkFrame({ ...meta, image: { kind: 'encoded', bytes: new Uint8Array([0xff, 0xd8]) } }).ok).toBe(
      true,
    );
    const rgb = { kind: 'rgb', bytes: new Uint8Array(2 * 3 * 3), width: 2, height: 3 };
    expect(checkFrame({ ...meta, image: rgb }).ok).toBe(true);
  });

  it('names the field that is wrong', () => {
    const r = checkFrame({
      ...meta,
      pose: { ...meta.pose, lat: 123 },
      image: { kind: 'encoded', bytes: new Uint8Array(1) },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('/pose/lat');
  });

  it('refuses empty pixels and raw RGB whose size does not match', () => {
    const empty = checkFrame({ ...meta, image: { kind: 'encoded', bytes: new Uint8Array(0) } });
    expect(empty.ok).toBe(false);
    const short = checkFrame({
      ...meta,
      image: { kind: 'rgb', bytes: new Uint8Array(5), width: 2, height: 3 },
    });
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.error.message).toContain('needs 18 bytes');
  });
});
