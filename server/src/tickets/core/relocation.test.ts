import { describe, expect, it } from 'vitest';
import { MIN_ERROR_RATIO, relocationDecision, relocationText } from './relocation.ts';

const AT = { lat: 30.2741, lon: 120.1551, errorM: 12 };
// About 11.1 m north.
const NORTH = { lat: 30.2742, lon: 120.1551 };

describe('relocationDecision', () => {
  it('moves a ticket to a location with a clearly smaller error, saying how far and from where', () => {
    const d = relocationDecision(AT, { ...NORTH, errorM: 4 }, 9);
    expect(d.kind).toBe('relocate');
    if (d.kind !== 'relocate') return;
    expect(d.data.from).toEqual(AT);
    expect(d.data.to).toEqual({ ...NORTH, errorM: 4 });
    expect(d.data.movedM).toBeCloseTo(11.1, 1);
    expect(d.data.frames).toBe(9);
  });

  it(`keeps it when the new error is not at most ${MIN_ERROR_RATIO} of the current one`, () => {
    expect(relocationDecision(AT, { ...NORTH, errorM: 12 * MIN_ERROR_RATIO })).toMatchObject({
      kind: 'relocate',
    });
    expect(relocationDecision(AT, { ...NORTH, errorM: 12 * MIN_ERROR_RATIO + 0.01 })).toEqual({
      kind: 'keep',
      reason: 'NotBetter',
    });
    expect(relocationDecision(AT, { ...NORTH, errorM: 20 })).toEqual({ kind: 'keep', reason: 'NotBetter' });
  });

  it('keeps it when the new place does not agree with the old within 3 combined sigmas', () => {
    // 12 m and 4 m stated: 3 x sqrt(144 + 16) = 37.9 m.
    const north = (m: number) => ({ lat: AT.lat + m / 111_195, lon: AT.lon, errorM: 4 });
    expect(relocationDecision(AT, north(37)).kind).toBe('relocate');
    expect(relocationDecision(AT, north(39))).toEqual({ kind: 'keep', reason: 'TooFar' });
  });

  it('keeps it when the new location is not a location', () => {
    for (const bad of [
      { lat: 91, lon: 0, errorM: 1 },
      { lat: 0, lon: 181, errorM: 1 },
      { lat: 0, lon: 0, errorM: Number.NaN },
      { lat: 0, lon: 0, errorM: -1 },
    ])
      expect(relocationDecision(AT, bad)).toEqual({ kind: 'keep', reason: 'InvalidLocation' });
  });
});

describe('relocationText', () => {
  it('says it in Chinese first, then English, with the errors and the distance', () => {
    const d = relocationDecision(AT, { ...NORTH, errorM: 4 }, 9);
    if (d.kind !== 'relocate') throw new Error('expected a relocation');
    expect(relocationText(d.data)).toBe(
      '位置已由 9 帧融合画面精化：误差 12.0 米 → 4.0 米，移动 11.1 米 / location refined by 9 fused frames: error 12.0 m -> 4.0 m, moved 11.1 m',
    );
    expect(relocationText({ ...d.data, frames: null })).toContain('由后续画面精化');
  });
});
