import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tempDataDir } from '../test/harness.ts';
import { importMap, importOverlay } from './import.ts';
import { readOverlay } from './overlays.ts';
import { BASEMAP_COLORS } from './raster.ts';
import { sampleVectorTile, writeMbtiles, writePmtiles } from './test-archives.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// Foshan: zoom 6 tile 52/27 holds 113.1E 23.0N.
const Z = 6;
const X = 52;
const Y = 27;

async function pixel(png: Buffer, x: number, y: number): Promise<string> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return `#${[data[i], data[i + 1], data[i + 2]].map((v) => (v ?? 0).toString(16).padStart(2, '0')).join('')}`;
}

async function withMaps(files: (dir: string) => void | Promise<void>, basemap = ''): Promise<Harness> {
  const dataDir = await tempDataDir();
  const mapsDir = join(dataDir, 'maps');
  mkdirSync(mapsDir, { recursive: true });
  await files(mapsDir);
  return startHarness({ dir: dataDir, config: { map: { basemap } } });
}

describe('tile service', () => {
  it('lists an MBTiles vector map and serves its tiles with y flipped from TMS', async () => {
    h = await withMaps((dir) =>
      writeMbtiles(join(dir, 'foshan.mbtiles'), [{ z: Z, x: X, y: Y, data: sampleVectorTile(Z, X, Y) }], {
        format: 'pbf',
        bounds: '112.5,22.5,113.5,23.5',
        minzoom: '6',
        maxzoom: '6',
        json: JSON.stringify({ vector_layers: [{ id: 'land' }, { id: 'water' }] }),
      }),
    );
    const list = await h.req('GET', '/api/maps', { token: h.adminToken });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      maps: [
        {
          name: 'foshan',
          archive: 'mbtiles',
          format: 'vector',
          bounds: [112.5, 22.5, 113.5, 23.5],
          minZoom: 6,
          maxZoom: 6,
          crs: 'wgs84',
          layers: ['land', 'water'],
          tiles: '/api/maps/foshan/{z}/{x}/{y}.pbf',
          rasterTiles: '/api/maps/foshan/{z}/{x}/{y}.png',
        },
      ],
      problems: [],
    });

    const res = await h.req('GET', `/api/maps/foshan/${Z}/${X}/${Y}.pbf`, { token: h.adminToken });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    const tile = new VectorTile(new PbfReader(res.rawPayload));
    expect(Object.keys(tile.layers).sort()).toEqual(['land', 'water']);

    // The TMS row of this tile, asked as an XYZ row, is another (empty) tile.
    const flipped = await h.req('GET', `/api/maps/foshan/${Z}/${X}/${2 ** Z - 1 - Y}.pbf`, {
      token: h.adminToken,
    });
    expect(flipped.statusCode).toBe(204);
  });

  it('cuts a vector tile the archive lacks from its nearest ancestor, up to the last zoom', async () => {
    h = await withMaps((dir) =>
      writeMbtiles(join(dir, 'coarse.mbtiles'), [{ z: Z, x: X, y: Y, data: sampleVectorTile(Z, X, Y) }], {
        format: 'pbf',
        minzoom: '6',
        maxzoom: '8',
      }),
    );
    const child = await h.req('GET', `/api/maps/coarse/${Z + 1}/${2 * X}/${2 * Y}.pbf`, {
      token: h.adminToken,
    });
    expect(child.statusCode).toBe(200);
    const land = new VectorTile(new PbfReader(child.rawPayload)).layers.land;
    expect(land?.length).toBe(1);
    // The land square fills the child's lower-right quarter (tile extent 4096).
    const ring = land?.feature(0).loadGeometry()[0] ?? [];
    expect(Math.min(...ring.map((p) => p.x))).toBeGreaterThan(1900);
    expect(Math.min(...ring.map((p) => p.y))).toBeGreaterThan(1900);
    const again = await h.req('GET', `/api/maps/coarse/${Z + 1}/${2 * X}/${2 * Y}.pbf`, {
      token: h.adminToken,
    });
    expect(Buffer.compare(again.rawPayload, child.rawPayload)).toBe(0);
    const past = await h.req('GET', `/api/maps/coarse/${Z + 3}/${8 * X}/${8 * Y}.pbf`, {
      token: h.adminToken,
    });
    expect(past.statusCode).toBe(204);
  });

  it('draws a vector tile as a PNG for the globe: land in the middle, sea at the corner', async () => {
    h = await withMaps((dir) =>
      writeMbtiles(join(dir, 'foshan.mbtiles'), [{ z: Z, x: X, y: Y, data: sampleVectorTile(Z, X, Y) }]),
    );
    const res = await h.req('GET', `/api/maps/foshan/${Z}/${X}/${Y}.png`, { token: h.adminToken });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(await pixel(res.rawPayload, 100, 80)).toBe(BASEMAP_COLORS.land);
    expect(await pixel(res.rawPayload, 5, 5)).toBe(BASEMAP_COLORS.sea);
    // Past the archive's zoom the tile is cut from its ancestor: the child at the square's
    // top-left corner is land in its lower right.
    const child = await h.req('GET', `/api/maps/foshan/${Z + 1}/${2 * X}/${2 * Y}.png`, {
      token: h.adminToken,
    });
    expect(child.statusCode).toBe(200);
    expect(await pixel(child.rawPayload, 250, 250)).toBe(BASEMAP_COLORS.land);
    expect(await pixel(child.rawPayload, 20, 20)).toBe(BASEMAP_COLORS.sea);
  });

  it('serves raster and vector PMTiles written to the v3 layout', async () => {
    const png = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    h = await withMaps((dir) => {
      writePmtiles(join(dir, 'ortho.pmtiles'), [{ z: Z, x: X, y: Y, data: png }], {
        tileType: 2,
        bounds: [112.5, 22.5, 113.5, 23.5],
        metadata: { attribution: 'test imagery', crs: 'gcj02' },
      });
      writePmtiles(join(dir, 'lines.pmtiles'), [{ z: Z, x: X, y: Y, data: sampleVectorTile(Z, X, Y) }], {
        tileType: 1,
        bounds: [112.5, 22.5, 113.5, 23.5],
        metadata: { vector_layers: [{ id: 'land' }, { id: 'water' }] },
      });
    });
    const list = (await h.req('GET', '/api/maps', { token: h.adminToken })).json() as {
      maps: { name: string; format: string; crs: string; tileFormat: string; minZoom: number }[];
    };
    expect(list.maps.map((m) => [m.name, m.format, m.tileFormat, m.crs, m.minZoom])).toEqual([
      ['lines', 'vector', 'pbf', 'wgs84', Z],
      ['ortho', 'raster', 'png', 'gcj02', Z],
    ]);
    const raster = await h.req('GET', `/api/maps/ortho/${Z}/${X}/${Y}.png`, { token: h.adminToken });
    expect(raster.statusCode).toBe(200);
    expect(raster.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(raster.rawPayload, png)).toBe(0);
    const missing = await h.req('GET', `/api/maps/ortho/${Z}/${X + 1}/${Y}.png`, { token: h.adminToken });
    expect(missing.statusCode).toBe(404);
    const wrongFormat = await h.req('GET', `/api/maps/ortho/${Z}/${X}/${Y}.pbf`, { token: h.adminToken });
    expect(wrongFormat.statusCode).toBe(404);
    expect(wrongFormat.json().error.message).toContain('png tiles');
    const vector = await h.req('GET', `/api/maps/lines/${Z}/${X}/${Y}.pbf`, { token: h.adminToken });
    expect(vector.statusCode).toBe(200);
    expect(Object.keys(new VectorTile(new PbfReader(vector.rawPayload)).layers).sort()).toEqual([
      'land',
      'water',
    ]);
  });

  it('reports a bad file by name with the reason, and refuses bad tile addresses', async () => {
    h = await withMaps((dir) => {
      writeFileSync(join(dir, 'broken.mbtiles'), 'not a database at all, just text');
      writeMbtiles(join(dir, 'empty.mbtiles'), [], { format: 'png' });
      writeFileSync(join(dir, 'notes.txt'), 'ignored');
    });
    const list = (await h.req('GET', '/api/maps', { token: h.adminToken })).json() as {
      maps: unknown[];
      problems: { file: string; reason: string }[];
    };
    expect(list.maps).toEqual([]);
    expect(list.problems).toEqual([
      { file: 'broken.mbtiles', reason: expect.stringMatching(/not an (SQLite|MBTiles) file/) },
      { file: 'empty.mbtiles', reason: 'holds no tiles' },
    ]);
    expect((await h.req('GET', '/api/maps/none/1/0/0.png', { token: h.adminToken })).statusCode).toBe(404);
    expect((await h.req('GET', '/api/maps/none/1/0/0.gif', { token: h.adminToken })).statusCode).toBe(400);
    expect((await h.req('GET', '/api/maps/none/1/2/0.png', { token: h.adminToken })).statusCode).toBe(400);
    expect((await h.req('GET', '/api/maps')).statusCode).toBe(401);
  });

  it('names the configured basemap in the console settings', async () => {
    h = await withMaps(
      (dir) =>
        writeMbtiles(join(dir, 'district.mbtiles'), [{ z: Z, x: X, y: Y, data: sampleVectorTile(Z, X, Y) }]),
      'district',
    );
    const res = await h.req('GET', '/api/console/settings', { token: h.adminToken });
    expect(res.json().basemap).toMatchObject({
      name: 'district',
      format: 'vector',
      tiles: '/api/maps/district/{z}/{x}/{y}.pbf',
      rasterTiles: '/api/maps/district/{z}/{x}/{y}.png',
      crs: 'wgs84',
    });
  });
});

describe('map import', () => {
  it('checks a good file and copies it in with its datum', async () => {
    const dir = await tempDataDir();
    const src = join(dir, 'Foshan Imagery.mbtiles');
    writeMbtiles(src, [{ z: Z, x: X, y: Y, data: sampleVectorTile(Z, X, Y) }], {
      format: 'pbf',
      bounds: '112.9,22.9,113.2,23.1',
      minzoom: '6',
      maxzoom: '6',
    });
    const mapsDir = join(dir, 'maps');
    const bad = await importMap(src, mapsDir);
    expect(!bad.ok && bad.error.message).toContain("map name 'Foshan Imagery'");
    const res = await importMap(src, mapsDir, { name: 'foshan', crs: 'gcj02' });
    expect(res.ok && res.value.info).toMatchObject({
      name: 'foshan',
      format: 'vector',
      crs: 'gcj02',
      minZoom: 6,
    });
    expect(existsSync(join(mapsDir, 'foshan.mbtiles'))).toBe(true);
    expect(JSON.parse(readFileSync(join(mapsDir, 'foshan.mbtiles.aerie.json'), 'utf8'))).toEqual({
      crs: 'gcj02',
    });
    const again = await importMap(src, mapsDir, { name: 'foshan' });
    expect(!again.ok && again.error.code).toBe('Exists');
  });

  it('refuses files with no tiles where the bounds say, a wrong format or no such file', async () => {
    const dir = await tempDataDir();
    const offBounds = join(dir, 'off.mbtiles');
    writeMbtiles(offBounds, [{ z: Z, x: X, y: Y, data: sampleVectorTile(Z, X, Y) }], {
      format: 'pbf',
      bounds: '-10,40,-9,41',
      minzoom: '6',
      maxzoom: '6',
    });
    const res = await importMap(offBounds, join(dir, 'maps'));
    expect(!res.ok && res.error.message).toMatch(/off\.mbtiles: no tile at the centre of its bounds/);
    const badFormat = join(dir, 'fmt.mbtiles');
    writeMbtiles(badFormat, [{ z: 0, x: 0, y: 0, data: new Uint8Array([1]) }], { format: 'tiff' });
    const f = await importMap(badFormat, join(dir, 'maps'));
    expect(!f.ok && f.error.message).toContain("fmt.mbtiles: metadata 'format' is 'tiff'");
    const none = await importMap(join(dir, 'nope.pmtiles'), join(dir, 'maps'));
    expect(!none.ok && none.error.message).toContain('nope.pmtiles: no such file');
    expect(existsSync(join(dir, 'maps'))).toBe(false);
  });
});

describe('boundary overlays', () => {
  const district = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { name: '桂城街道' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [113.1, 22.99],
              [113.2, 22.99],
              [113.2, 23.06],
              [113.1, 23.06],
              [113.1, 22.99],
            ],
          ],
        },
      },
      { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [113.15, 23.02] } },
    ],
  };

  it('reads polygons and lines with their extent, and names what is wrong in a bad file', () => {
    const r = readOverlay(JSON.stringify(district));
    if (!r.ok) throw new Error(r.error.message);
    // The point is not a boundary: only the polygon is drawn.
    expect(r.value.geojson.features).toHaveLength(1);
    expect(r.value.bounds).toEqual([113.1, 22.99, 113.2, 23.06]);
    expect(readOverlay('{"type":')).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^not JSON/) },
    });
    expect(readOverlay(JSON.stringify({ type: 'Point', coordinates: [1, 2] }))).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('not GeoJSON') },
    });
    const swapped = {
      type: 'LineString',
      coordinates: [
        [23, 113.1],
        [23.1, 113.2],
      ],
    };
    expect(readOverlay(JSON.stringify(swapped))).toMatchObject({
      ok: false,
      error: { message: 'feature 0: coordinate [23,113.1] is not [longitude, latitude] in degrees' },
    });
  });

  it('imports a GeoJSON boundary, lists it beside the maps and serves it to signed-in users', async () => {
    const dataDir = await tempDataDir();
    const src = join(dataDir, 'guicheng.geojson');
    writeFileSync(src, JSON.stringify(district));
    const mapsDir = join(dataDir, 'maps');
    const imported = importOverlay(src, mapsDir);
    if (!imported.ok) throw new Error(imported.error.message);
    expect(imported.value.info).toEqual({
      name: 'guicheng',
      features: 1,
      bounds: [113.1, 22.99, 113.2, 23.06],
    });
    expect(importOverlay(src, mapsDir)).toMatchObject({ ok: false, error: { code: 'Exists' } });
    writeFileSync(join(mapsDir, 'broken.geojson'), '{"type": "FeatureCollection", "features": []}');
    h = await startHarness({ dir: dataDir, config: { map: { basemap: '' } } });
    const list = (await h.req('GET', '/api/maps', { token: h.adminToken })).json();
    expect(list.overlays).toEqual([
      {
        name: 'guicheng',
        features: 1,
        bounds: [113.1, 22.99, 113.2, 23.06],
        url: '/api/maps/overlays/guicheng',
      },
    ]);
    expect(list.problems).toEqual([
      {
        file: 'broken.geojson',
        reason: 'no Polygon, MultiPolygon, LineString or MultiLineString features to draw',
      },
    ]);
    const got = await h.req('GET', '/api/maps/overlays/guicheng', { token: h.adminToken });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toContain('application/geo+json');
    expect(got.json().features[0].properties.name).toBe('桂城街道');
    expect((await h.req('GET', '/api/maps/overlays/nowhere', { token: h.adminToken })).statusCode).toBe(404);
    expect((await h.req('GET', '/api/maps/overlays/guicheng')).statusCode).toBe(401);
  });
});
