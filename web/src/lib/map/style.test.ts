import { describe, expect, it } from 'vitest';
import { graticule, tileTemplate } from './style.ts';

describe('graticule', () => {
  it('draws a parallel and a meridian per step, each across the whole span around the rounded centre', () => {
    const g = graticule({ lat: 30.123, lon: 120.456 }, 0.1, 4);
    // i = -2..2: five steps, two lines each.
    expect(g.features).toHaveLength(10);
    const [parallel, meridian] = g.features;
    expect(parallel?.geometry.type).toBe('LineString');
    const close = (p: number[] | undefined, lon: number, lat: number) => {
      expect(p?.[0]).toBeCloseTo(lon, 9);
      expect(p?.[1]).toBeCloseTo(lat, 9);
    };
    const ends = (i: number) => g.features[i]?.geometry.coordinates as number[][];
    // The first parallel: latitude 30.1 - 0.2, from longitude 120.5 - 0.2 to 120.5 + 0.2.
    close(ends(0)[0], 120.3, 29.9);
    close(ends(0)[1], 120.7, 29.9);
    // The first meridian: longitude 120.5 - 0.2, from latitude 30.1 - 0.2 to 30.1 + 0.2.
    close(ends(1)[0], 120.3, 29.9);
    close(ends(1)[1], 120.3, 30.3);
    expect(meridian?.properties).toEqual({});
    close(ends(9)[0], 120.7, 29.9);
    close(ends(9)[1], 120.7, 30.3);
  });
});

describe('tileTemplate', () => {
  it('passes XYZ through, rewrites WMTS to {z}/{x}/{y} and has none without a URL', () => {
    expect(tileTemplate({ type: 'xyz', url: 'http://t/{z}/{x}/{y}.png', crs: 'wgs84' })).toBe(
      'http://t/{z}/{x}/{y}.png',
    );
    expect(
      tileTemplate({
        type: 'wmts',
        url: 'http://t/{Layer}/{TileMatrix}/{TileCol}/{TileRow}',
        layer: 'img',
        crs: 'gcj02',
      }),
    ).toBe('http://t/img/{z}/{x}/{y}');
    expect(tileTemplate({ type: 'none', url: '', crs: 'wgs84' })).toBeNull();
  });
});
