import { describe, expect, it } from 'vitest';
import { gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from './gcj02.ts';

describe('WGS-84 -> GCJ-02', () => {
  it('matches the published reference point in Beijing (wandergis/coordtransform)', () => {
    const g = wgs84ToGcj02(116.404, 39.915);
    expect(g.lon).toBeCloseTo(116.41024449916938, 9);
    expect(g.lat).toBeCloseTo(39.91640428150164, 9);
  });

  it('shifts a few hundred metres inside China (Foshan, where the simulated fleet flies)', () => {
    const g = wgs84ToGcj02(113.15, 23.03);
    const dxM = (g.lon - 113.15) * 111_320 * Math.cos((23.03 * Math.PI) / 180);
    const dyM = (g.lat - 23.03) * 110_574;
    const m = Math.hypot(dxM, dyM);
    expect(m).toBeGreaterThan(100);
    expect(m).toBeLessThan(1000);
  });

  it('leaves points outside China unchanged', () => {
    expect(outOfChina(2.35, 48.85)).toBe(true);
    expect(wgs84ToGcj02(2.35, 48.85)).toEqual({ lon: 2.35, lat: 48.85 });
    expect(gcj02ToWgs84(-122.4, 37.8)).toEqual({ lon: -122.4, lat: 37.8 });
  });
});

describe('GCJ-02 -> WGS-84', () => {
  it('inverts the published reference point', () => {
    const w = gcj02ToWgs84(116.41024449916938, 39.91640428150164);
    expect(Math.abs(w.lon - 116.404)).toBeLessThan(1e-7);
    expect(Math.abs(w.lat - 39.915)).toBeLessThan(1e-7);
  });

  it('round-trips within 1e-5 degrees over a grid of China', () => {
    let worst = 0;
    for (let lon = 74; lon <= 135; lon += 3.7) {
      for (let lat = 4; lat <= 53; lat += 2.9) {
        const g = wgs84ToGcj02(lon, lat);
        const w = gcj02ToWgs84(g.lon, g.lat);
        worst = Math.max(worst, Math.abs(w.lon - lon), Math.abs(w.lat - lat));
      }
    }
    expect(worst).toBeLessThan(1e-5);
  });
});
