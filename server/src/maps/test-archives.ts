/**
 * Small tile archives for tests: an MBTiles file written with better-sqlite3 and a PMTiles v3
 * file laid out by hand (the `pmtiles` library reads only), tile ids from the library.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import GeoJSONVT from 'geojson-vt';
import { zxyToTileId } from 'pmtiles';
import vtpbf from 'vt-pbf';

export interface TestTile {
  z: number;
  x: number;
  /** XYZ row (the MBTiles writer flips it to TMS). */
  y: number;
  data: Uint8Array;
}

/** A vector tile with one `land` square covering the middle of tile z/x/y and a `water` line. */
export function sampleVectorTile(z: number, x: number, y: number): Uint8Array {
  const n = 2 ** z;
  const lon = (t: number) => (t / n) * 360 - 180;
  const lat = (t: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * t) / n))) * 180) / Math.PI;
  const [w, e, north, s] = [lon(x + 0.25), lon(x + 0.75), lat(y + 0.25), lat(y + 0.75)];
  const land = new GeoJSONVT({
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [w, s],
          [e, s],
          [e, north],
          [w, north],
          [w, s],
        ],
      ],
    },
  });
  const water = new GeoJSONVT({
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'LineString',
      coordinates: [
        [lon(x + 0.1), lat(y + 0.5)],
        [lon(x + 0.9), lat(y + 0.5)],
      ],
    },
  });
  return vtpbf.fromGeojsonVt({ land: land.getTile(z, x, y), water: water.getTile(z, x, y) }, { version: 2 });
}

export function writeMbtiles(
  file: string,
  tiles: TestTile[],
  meta: Record<string, string> = { format: 'pbf', bounds: '112,22,114,24', minzoom: '0', maxzoom: '6' },
): void {
  const db = new Database(file);
  db.exec(`CREATE TABLE metadata (name TEXT, value TEXT);
    CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);`);
  for (const [k, v] of Object.entries(meta)) db.prepare('INSERT INTO metadata VALUES (?, ?)').run(k, v);
  for (const t of tiles)
    db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)').run(
      t.z,
      t.x,
      2 ** t.z - 1 - t.y,
      meta.format === 'pbf' ? gzipSync(t.data) : Buffer.from(t.data),
    );
  db.close();
}

function varints(values: number[]): number[] {
  const out: number[] = [];
  for (let v of values) {
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  }
  return out;
}

/** A PMTiles v3 file: one root directory, uncompressed internals, tiles gzip (vector) or as is. */
export function writePmtiles(
  file: string,
  tiles: TestTile[],
  opts: { tileType: 1 | 2; bounds: [number, number, number, number]; metadata?: Record<string, unknown> },
): void {
  const gzip = opts.tileType === 1;
  const entries = tiles
    .map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), data: gzip ? gzipSync(t.data) : Buffer.from(t.data) }))
    .sort((a, b) => a.id - b.id);
  let offset = 0;
  const placed = entries.map((e) => {
    const at = offset;
    offset += e.data.length;
    return { ...e, at };
  });
  const dir = Buffer.from([
    ...varints([placed.length]),
    ...varints(placed.map((e, i) => e.id - (i ? (placed[i - 1]?.id ?? 0) : 0))),
    ...varints(placed.map(() => 1)),
    ...varints(placed.map((e) => e.data.length)),
    ...varints(
      placed.map((e, i) =>
        i > 0 && e.at === (placed[i - 1]?.at ?? 0) + (placed[i - 1]?.data.length ?? 0) ? 0 : e.at + 1,
      ),
    ),
  ]);
  const meta = Buffer.from(JSON.stringify(opts.metadata ?? {}));
  const h = Buffer.alloc(127);
  h.write('PMTiles', 0, 'ascii');
  h.writeUInt8(3, 7);
  const u64 = (pos: number, v: number) => h.writeBigUInt64LE(BigInt(v), pos);
  const dirAt = 127;
  const metaAt = dirAt + dir.length;
  const dataAt = metaAt + meta.length;
  u64(8, dirAt);
  u64(16, dir.length);
  u64(24, metaAt);
  u64(32, meta.length);
  u64(40, dataAt);
  u64(48, 0);
  u64(56, dataAt);
  u64(64, offset);
  u64(72, placed.length);
  u64(80, placed.length);
  u64(88, placed.length);
  h.writeUInt8(1, 96);
  h.writeUInt8(1, 97); // internal compression: none
  h.writeUInt8(gzip ? 2 : 1, 98); // tile compression: gzip / none
  h.writeUInt8(opts.tileType, 99);
  h.writeUInt8(Math.min(...tiles.map((t) => t.z)), 100);
  h.writeUInt8(Math.max(...tiles.map((t) => t.z)), 101);
  const [w, s, e, n] = opts.bounds;
  h.writeInt32LE(Math.round(w * 1e7), 102);
  h.writeInt32LE(Math.round(s * 1e7), 106);
  h.writeInt32LE(Math.round(e * 1e7), 110);
  h.writeInt32LE(Math.round(n * 1e7), 114);
  writeFileSync(file, Buffer.concat([h, dir, meta, ...placed.map((p) => p.data)]));
}
