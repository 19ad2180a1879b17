import { describe, expect, it } from 'vitest';
import { type BasemapSettings, chosenBasemap, type InstalledMap, NO_BASEMAP } from './console-settings.ts';

const serverDefault: BasemapSettings = {
  name: 'aerie-default',
  format: 'vector',
  tiles: '/api/maps/aerie-default/{z}/{x}/{y}.pbf',
  rasterTiles: '/api/maps/aerie-default/{z}/{x}/{y}.png',
  crs: 'wgs84',
  minZoom: 0,
  maxZoom: 12,
  layers: ['land', 'water'],
  attribution: '',
};
const ortho: InstalledMap = {
  name: 'nanhai-ortho',
  archive: 'mbtiles',
  format: 'raster',
  tiles: '/api/maps/nanhai-ortho/{z}/{x}/{y}.jpg',
  rasterTiles: '/api/maps/nanhai-ortho/{z}/{x}/{y}.jpg',
  crs: 'gcj02',
  minZoom: 10,
  maxZoom: 18,
  layers: [],
  attribution: '南海区测绘',
  bounds: [112.9, 22.8, 113.3, 23.2],
};

describe("the user's basemap choice", () => {
  it("picks the chosen installed map, with its own datum and zooms, in the settings' shape", () => {
    const b = chosenBasemap(serverDefault, [ortho], 'nanhai-ortho');
    expect(b).toEqual({
      name: 'nanhai-ortho',
      format: 'raster',
      tiles: ortho.tiles,
      rasterTiles: ortho.rasterTiles,
      crs: 'gcj02',
      minZoom: 10,
      maxZoom: 18,
      layers: [],
      attribution: '南海区测绘',
    });
  });

  it("keeps the server's default without a choice, or when the chosen map is gone; none is none", () => {
    expect(chosenBasemap(serverDefault, [ortho], null)).toBe(serverDefault);
    expect(chosenBasemap(serverDefault, [ortho], 'removed-map')).toBe(serverDefault);
    expect(chosenBasemap(serverDefault, [ortho], NO_BASEMAP)).toBeNull();
  });
});
