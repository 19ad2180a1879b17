import { describe, expect, it } from 'vitest';
import { type BasemapSettings, basemapCrs, type ImagerySettings, offlineStyle } from './style.ts';

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
