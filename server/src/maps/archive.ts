/**
 * Tile archives Aerie serves itself: PMTiles (read with the `pmtiles` library from a local file)
 * and MBTiles (SQLite; rows are TMS, so y is flipped). Both answer the same `TileArchive`, so the
 * routes, the import check and the globe's rasteriser never care which one a file is.
 */
import { open as openFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { fail, ok, type Result } from '@aerie/contracts';
import Database from 'better-sqlite3';
import { Compression, PMTiles, type RangeResponse, type Source, TileType } from 'pmtiles';

export type TileFormat = 'pbf' | 'png' | 'jpg' | 'webp';
export type MapCrs = 'wgs84' | 'gcj02';

/** What `GET /api/maps` says about one file. */
export interface MapInfo {
  name: string;
  file: string;
  archive: 'pmtiles' | 'mbtiles';
  /** Vector (MVT protobuf) or raster (images). */
  format: 'vector' | 'raster';
  tileFormat: TileFormat;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  minZoom: number;
  maxZoom: number;
  crs: MapCrs;
  /** Vector layer ids, when the archive names them. */
  layers: string[];
  attribution: string;
}

export interface TileArchive {
  info: MapInfo;
  /** The tile's bytes (vector tiles decompressed), or null when the archive has none there. */
  tile(z: number, x: number, y: number): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

export const CONTENT_TYPES: Record<TileFormat, string> = {
  pbf: 'application/x-protobuf',
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
};

const WORLD: [number, number, number, number] = [-180, -85.0511, 180, 85.0511];

/** The XYZ tile holding `lon`, `lat` at zoom `z` (Web Mercator, clamped to the world). */
export function tileOf(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const r = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

/** The map name a file gets by default: its base name without the extension. */
export function mapNameOf(file: string): string {
  return basename(file, extname(file));
}

/** A valid map name: what goes into tile URLs. */
export function checkMapName(name: string): string | null {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)
    ? null
    : `map name '${name}' must be 1-64 letters, digits, '.', '_' or '-'`;
}

function tileFormatOf(value: string | undefined): TileFormat | null {
  const v = (value ?? '').toLowerCase();
  if (v === 'pbf' || v === 'mvt') return 'pbf';
  if (v === 'png') return 'png';
  if (v === 'jpg' || v === 'jpeg') return 'jpg';
  if (v === 'webp') return 'webp';
  return null;
}

function parseBounds(text: string | undefined): [number, number, number, number] | null {
  if (!text) return null;
  const n = text.split(',').map((s) => Number(s.trim()));
  if (n.length !== 4 || n.some((v) => !Number.isFinite(v))) return null;
  const [w, s, e, north] = n as [number, number, number, number];
  if (w < -180 || e > 180 || s < -90 || north > 90 || w >= e || s >= north) return null;
  return [w, s, e, north];
}

function vectorLayers(json: string | undefined): string[] {
  if (!json) return [];
  try {
    const parsed = JSON.parse(json) as { vector_layers?: { id?: unknown }[] };
    return (parsed.vector_layers ?? []).map((l) => String(l.id ?? '')).filter(Boolean);
  } catch {
    return [];
  }
}

async function gunzipIfNeeded(data: Uint8Array): Promise<Uint8Array> {
  if (data.length > 2 && data[0] === 0x1f && data[1] === 0x8b) {
    const { gunzipSync } = await import('node:zlib');
    return new Uint8Array(gunzipSync(data));
  }
  return data;
}

/** What an archive says about itself, with the name and raster/vector kind derived. */
function infoOf(
  file: string,
  archive: MapInfo['archive'],
  tileFormat: TileFormat,
  facts: Pick<MapInfo, 'bounds' | 'minZoom' | 'maxZoom' | 'crs' | 'layers' | 'attribution'>,
): MapInfo {
  return {
    name: mapNameOf(file),
    file,
    archive,
    format: tileFormat === 'pbf' ? 'vector' : 'raster',
    tileFormat,
    ...facts,
  };
}

/** Opens an MBTiles file read-only and checks its metadata; errors name what is wrong. */
export function openMbtiles(file: string, crs?: MapCrs): Result<TileArchive, 'BadMap'> {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    return fail('BadMap', `${file}: not an SQLite file (${(err as Error).message})`);
  }
  const bad = (reason: string) => {
    db.close();
    return fail('BadMap', `${file}: ${reason}`);
  };
  let meta: Record<string, string>;
  try {
    const rows = db.prepare('SELECT name, value FROM metadata').all() as { name: string; value: string }[];
    meta = Object.fromEntries(rows.map((r) => [r.name, r.value]));
  } catch {
    return bad('not an MBTiles file (no metadata table)');
  }
  const tileFormat = tileFormatOf(meta.format);
  if (!tileFormat) return bad(`metadata 'format' is '${meta.format ?? ''}', expected pbf, png, jpg or webp`);
  let zooms: { minZ: number | null; maxZ: number | null; n: number };
  try {
    zooms = db
      .prepare('SELECT MIN(zoom_level) AS minZ, MAX(zoom_level) AS maxZ, COUNT(*) AS n FROM tiles')
      .get() as typeof zooms;
  } catch {
    return bad('not an MBTiles file (no tiles table)');
  }
  if (!zooms.n || zooms.minZ === null || zooms.maxZ === null) return bad('holds no tiles');
  const bounds = meta.bounds === undefined ? WORLD : parseBounds(meta.bounds);
  if (!bounds) return bad(`metadata 'bounds' is '${meta.bounds}', expected west,south,east,north in degrees`);
  const metaCrs = meta.crs === 'gcj02' ? 'gcj02' : 'wgs84';
  const info = infoOf(file, 'mbtiles', tileFormat, {
    bounds,
    minZoom: meta.minzoom !== undefined ? Number(meta.minzoom) : zooms.minZ,
    maxZoom: meta.maxzoom !== undefined ? Number(meta.maxzoom) : zooms.maxZ,
    crs: crs ?? metaCrs,
    layers: vectorLayers(meta.json),
    attribution: meta.attribution ?? '',
  });
  const get = db.prepare(
    'SELECT tile_data AS data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
  );
  return ok({
    info,
    async tile(z, x, y) {
      const row = get.get(z, x, (1 << z) - 1 - y) as { data: Buffer } | undefined;
      if (!row) return null;
      return tileFormat === 'pbf' ? gunzipIfNeeded(row.data) : row.data;
    },
    async close() {
      db.close();
    },
  });
}

/** A PMTiles source over a local file (the library ships sources for fetch only). */
class FileSource implements Source {
  constructor(
    private readonly file: string,
    private readonly handle: import('node:fs/promises').FileHandle,
  ) {}
  getKey(): string {
    return this.file;
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buf, 0, length, offset);
    const data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + bytesRead) as ArrayBuffer;
    return { data };
  }
}

const PM_FORMATS: Partial<Record<TileType, TileFormat>> = {
  [TileType.Mvt]: 'pbf',
  [TileType.Png]: 'png',
  [TileType.Jpeg]: 'jpg',
  [TileType.Webp]: 'webp',
};

/** Opens a PMTiles (v3) file and checks its header; errors name what is wrong. */
export async function openPmtiles(file: string, crs?: MapCrs): Promise<Result<TileArchive, 'BadMap'>> {
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await openFile(file, 'r');
  } catch (err) {
    return fail('BadMap', `${file}: cannot be read (${(err as Error).message})`);
  }
  const bad = async (reason: string) => {
    await handle.close();
    return fail('BadMap', `${file}: ${reason}`);
  };
  const pm = new PMTiles(new FileSource(file, handle));
  let header: Awaited<ReturnType<PMTiles['getHeader']>>;
  let meta: Record<string, unknown> = {};
  try {
    header = await pm.getHeader();
    meta = ((await pm.getMetadata()) ?? {}) as Record<string, unknown>;
  } catch (err) {
    return bad(`not a PMTiles v3 file (${(err as Error).message})`);
  }
  const tileFormat = PM_FORMATS[header.tileType];
  if (!tileFormat) return bad(`tile type ${header.tileType} is not served (expected MVT, PNG, JPEG or WebP)`);
  if (header.numAddressedTiles === 0 && header.numTileEntries === 0) return bad('holds no tiles');
  const bounds = parseBounds(`${header.minLon},${header.minLat},${header.maxLon},${header.maxLat}`);
  if (!bounds)
    return bad(
      `header bounds ${header.minLon},${header.minLat},${header.maxLon},${header.maxLat} are not valid`,
    );
  if (header.tileCompression === Compression.Unknown && tileFormat === 'pbf')
    return bad('tile compression is unknown');
  const info = infoOf(file, 'pmtiles', tileFormat, {
    bounds,
    minZoom: header.minZoom,
    maxZoom: header.maxZoom,
    crs: crs ?? (meta.crs === 'gcj02' ? 'gcj02' : 'wgs84'),
    layers: Array.isArray(meta.vector_layers)
      ? (meta.vector_layers as { id?: unknown }[]).map((l) => String(l.id ?? '')).filter(Boolean)
      : [],
    attribution: typeof meta.attribution === 'string' ? meta.attribution : '',
  });
  return ok({
    info,
    async tile(z, x, y) {
      const res = await pm.getZxy(z, x, y);
      return res ? new Uint8Array(res.data) : null;
    },
    async close() {
      await handle.close();
    },
  });
}

/** Opens a .pmtiles or .mbtiles file by its extension. */
export async function openArchive(file: string, crs?: MapCrs): Promise<Result<TileArchive, 'BadMap'>> {
  const ext = extname(file).toLowerCase();
  if (ext === '.mbtiles') return openMbtiles(file, crs);
  if (ext === '.pmtiles') return openPmtiles(file, crs);
  return fail('BadMap', `${file}: expected a .pmtiles or .mbtiles file, got '${ext || 'no extension'}'`);
}
