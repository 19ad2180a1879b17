import { describe, expect, it } from 'vitest';
import {
  type BasemapSettings,
  basemapCrs,
  graticule,
  type ImagerySettings,
  offlineStyle,
  tileTemplate,
} from './style.ts';

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

const vector: BasemapSettings = {
  name: 'aerie-default',
  format: 'vector',
  tiles: '/api/maps/aerie-default/{z}/{x}/{y}.pbf',
  rasterTiles: '/api/maps/aerie-default/{z}/{x}/{y}.png',
  crs: 'wgs84',
  minZoom: 0,
  maxZoom: 11,
  layers: ['land', 'country', 'province', 'city', 'water'],
  attribution: 'Natural Earth',
};
const none: ImagerySettings = { type: 'none', url: '', crs: 'wgs84' };

describe('planner style with a maps-folder basemap', () => {
  it('draws a vector basemap from the server by absolute URL under the overlays', () => {
    const style = offlineStyle({ ...none, basemap: vector }, 'http://aerie.local:8080');
    expect(style.sources['aerie-basemap']).toMatchObject({
      type: 'vector',
      tiles: ['http://aerie.local:8080/api/maps/aerie-default/{z}/{x}/{y}.pbf'],
      maxzoom: 11,
    });
    const ids = style.layers.map((l) => l.id);
    expect(ids.slice(0, 8)).toEqual([
      'background',
      'bm-land',
      'bm-coast',
      'bm-water',
      'bm-water-edge',
      'bm-city',
      'bm-province',
      'bm-country',
    ]);
    expect(ids.indexOf('bm-country')).toBeLessThan(ids.indexOf('route-line'));
  });

  it('draws only the layers a vector map has, and a raster map as one raster layer', () => {
    const lines = offlineStyle({ ...none, basemap: { ...vector, layers: ['water'] } }, 'http://x');
    expect(lines.layers.filter((l) => l.id.startsWith('bm-')).map((l) => l.id)).toEqual([
      'bm-water',
      'bm-water-edge',
    ]);
    const raster = offlineStyle(
      { ...none, basemap: { ...vector, format: 'raster', tiles: '/api/maps/ortho/{z}/{x}/{y}.jpg' } },
      'http://x',
    );
    expect(raster.sources['aerie-basemap']).toMatchObject({ type: 'raster', tileSize: 256 });
    expect(raster.layers.map((l) => l.id)).toContain('aerie-basemap');
  });

  it('prefers a configured imagery server, and shifts for the datum of what is drawn', () => {
    const xyz: ImagerySettings = {
      type: 'xyz',
      url: 'http://t/{z}/{x}/{y}.png',
      crs: 'gcj02',
      basemap: vector,
    };
    const style = offlineStyle(xyz, 'http://x');
    expect(style.sources['aerie-basemap']).toBeUndefined();
    expect(style.sources.basemap).toMatchObject({ type: 'raster' });
    expect(basemapCrs(xyz)).toBe('gcj02');
    expect(basemapCrs({ ...none, basemap: { ...vector, crs: 'gcj02' } })).toBe('gcj02');
    expect(basemapCrs({ ...none, basemap: vector })).toBe('wgs84');
    expect(basemapCrs(none)).toBeNull();
  });
});
