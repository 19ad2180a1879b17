import { describe, expect, it } from 'vitest';
import { reportDrawing } from './report-geometry.ts';

const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

describe('reportDrawing', () => {
  it('fits a 1 km x 500 m area into 420 x 320 with north up and equal scales', () => {
    const lat = 23;
    const dLon = 1000 / (M_PER_DEG * Math.cos((lat * Math.PI) / 180));
    const dLat = 500 / M_PER_DEG;
    const area = [
      { lat, lon: 113 },
      { lat, lon: 113 + dLon },
      { lat: lat + dLat, lon: 113 + dLon },
      { lat: lat + dLat, lon: 113 },
    ];
    const d = reportDrawing({ area, path: [], track: [], points: [area[2]!] }, 420, 320, 10)!;
    // Width-bound: 400 units for 1000 m.
    expect(d.metresPerUnit).toBeCloseTo(2.5, 2);
    expect(d.area.startsWith('M10.0 ')).toBe(true);
    expect(d.area.endsWith(' Z')).toBe(true);
    // The north-east corner: right edge, above the centre (100 units up for 250 m).
    expect(d.points[0]!.x).toBeCloseTo(410, 0);
    expect(d.points[0]!.y).toBeCloseTo(160 - 100, 0);
  });

  it('draws nothing without geometry, and one point at a sane scale', () => {
    expect(reportDrawing({ area: [], path: [], track: [], points: [] }, 100, 100)).toBeNull();
    const one = reportDrawing(
      { area: [], path: [], track: [{ lat: 23, lon: 113 }], points: [] },
      100,
      100,
      0,
    )!;
    expect(one.metresPerUnit).toBeCloseTo(0.5, 5);
    expect(one.track).toBe('M50.0 50.0');
  });
});
