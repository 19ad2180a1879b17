/**
 * The maps folder: every .pmtiles / .mbtiles file in it is a map, named after the file. A file
 * may carry a `<file>.aerie.json` beside it ({"crs": "gcj02"}) written by `aerie map import`.
 * The folder is rescanned on each listing, so a file dropped in shows up without a restart;
 * opened archives are kept while the file's size and time stay the same. Every .geojson file is
 * a boundary overlay (overlays.ts), read again when it changes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FeatureCollection } from 'geojson';
import { type MapCrs, type MapInfo, openArchive, type TileArchive } from './archive.ts';
import { type OverlayInfo, readOverlay } from './overlays.ts';
import { cutChildTile } from './overzoom.ts';
import { rasteriseVectorTile } from './raster.ts';

export interface MapProblem {
  file: string;
  reason: string;
}

/** The sidecar file `aerie map import` writes beside a map. */
export function sidecarOf(file: string): string {
  return `${file}.aerie.json`;
}

function sidecarCrs(file: string): MapCrs | undefined {
  const side = sidecarOf(file);
  if (!existsSync(side)) return undefined;
  try {
    const crs = (JSON.parse(readFileSync(side, 'utf8')) as { crs?: unknown }).crs;
    return crs === 'gcj02' || crs === 'wgs84' ? crs : undefined;
  } catch {
    return undefined;
  }
}

/** PNGs drawn from vector tiles kept in memory (a globe view asks for the same few dozen again). */
const RASTER_CACHE_TILES = 512;

/** The tile z/x/y or its nearest ancestor the archive holds, with how many zooms up it is. */
async function nearestTile(
  archive: TileArchive,
  z: number,
  x: number,
  y: number,
): Promise<{ bytes: Uint8Array; dz: number } | null> {
  for (let dz = 0; dz <= z; dz++) {
    const az = z - dz;
    if (az < archive.info.minZoom) break;
    const bytes = az <= archive.info.maxZoom ? await archive.tile(az, x >> dz, y >> dz) : null;
    if (bytes) return { bytes, dz };
  }
  return null;
}

export class MapLibrary {
  private readonly open = new Map<string, { stamp: string; archive: TileArchive }>();
  private readonly drawn = new Map<string, Buffer>();
  private readonly overlays = new Map<
    string,
    { stamp: string; info: OverlayInfo; geojson: FeatureCollection }
  >();

  constructor(readonly dir: string) {}

  /** The folder's file names, sorted; none when the folder is missing. */
  private names(): string[] {
    try {
      return readdirSync(this.dir).sort();
    } catch {
      return [];
    }
  }

  /** Every boundary overlay in the folder, and every .geojson file that could not be read with the reason. */
  scanOverlays(): { overlays: OverlayInfo[]; problems: MapProblem[] } {
    const overlays: OverlayInfo[] = [];
    const problems: MapProblem[] = [];
    for (const name of this.names()) {
      if (extname(name).toLowerCase() !== '.geojson') continue;
      const file = join(this.dir, name);
      const st = statSync(file);
      const stamp = `${st.size}:${st.mtimeMs}`;
      const cached = this.overlays.get(file);
      if (cached?.stamp === stamp) {
        overlays.push(cached.info);
        continue;
      }
      const read = readOverlay(readFileSync(file, 'utf8'));
      if (!read.ok) {
        this.overlays.delete(file);
        problems.push({ file: name, reason: read.error.message });
        continue;
      }
      const info = {
        name: name.slice(0, -'.geojson'.length),
        features: read.value.geojson.features.length,
        bounds: read.value.bounds,
      };
      this.overlays.set(file, { stamp, info, geojson: read.value.geojson });
      overlays.push(info);
    }
    return { overlays, problems };
  }

  /** Overlay `name`'s features, or null. */
  overlay(name: string): FeatureCollection | null {
    this.scanOverlays();
    for (const entry of this.overlays.values()) if (entry.info.name === name) return entry.geojson;
    return null;
  }

  /** Every map in the folder, and every file that could not be opened with the reason. */
  async scan(): Promise<{ maps: MapInfo[]; problems: MapProblem[] }> {
    const maps: MapInfo[] = [];
    const problems: MapProblem[] = [];
    const seen = new Set<string>();
    for (const name of this.names()) {
      const ext = extname(name).toLowerCase();
      if (ext !== '.pmtiles' && ext !== '.mbtiles') continue;
      const file = join(this.dir, name);
      const st = statSync(file);
      const stamp = `${st.size}:${st.mtimeMs}:${sidecarCrs(file) ?? ''}`;
      seen.add(file);
      const cached = this.open.get(file);
      if (cached?.stamp === stamp) {
        maps.push(cached.archive.info);
        continue;
      }
      await cached?.archive.close();
      this.open.delete(file);
      for (const key of this.drawn.keys()) if (key.startsWith(`${file}:`)) this.drawn.delete(key);
      const opened = await openArchive(file, sidecarCrs(file));
      if (!opened.ok) {
        problems.push({ file: name, reason: opened.error.message.replace(`${file}: `, '') });
        continue;
      }
      this.open.set(file, { stamp, archive: opened.value });
      maps.push(opened.value.info);
    }
    for (const [file, entry] of this.open)
      if (!seen.has(file)) {
        await entry.archive.close();
        this.open.delete(file);
      }
    return { maps, problems };
  }

  /** The archive of map `name`, or null. */
  async get(name: string): Promise<TileArchive | null> {
    for (const entry of this.open.values()) if (entry.archive.info.name === name) return entry.archive;
    await this.scan();
    for (const entry of this.open.values()) if (entry.archive.info.name === name) return entry.archive;
    return null;
  }

  /**
   * Map `name`'s tile as a PNG drawn from its vector tiles; a tile the archive lacks is cut from
   * the nearest ancestor it holds (the default basemap holds the world only to a low zoom).
   */
  async rasterTile(archive: TileArchive, z: number, x: number, y: number): Promise<Buffer> {
    const key = `${archive.info.file}:${archive.info.maxZoom}:${z}/${x}/${y}`;
    const hit = this.drawn.get(key);
    if (hit) {
      // Map keeps insertion order: re-inserting makes this the most recently used.
      this.drawn.delete(key);
      this.drawn.set(key, hit);
      return hit;
    }
    const png = await this.drawRasterTile(archive, z, x, y);
    this.drawn.set(key, png);
    if (this.drawn.size > RASTER_CACHE_TILES) this.drawn.delete(this.drawn.keys().next().value as string);
    return png;
  }

  private async drawRasterTile(archive: TileArchive, z: number, x: number, y: number): Promise<Buffer> {
    const found = await nearestTile(archive, z, x, y);
    if (!found) return rasteriseVectorTile(null);
    const mask = (1 << found.dz) - 1;
    return rasteriseVectorTile(found.bytes, 256, { dz: found.dz, dx: x & mask, dy: y & mask });
  }

  /**
   * Map `name`'s vector tile z/x/y up to its last zoom: the archive's own, or cut from the
   * nearest ancestor it holds; null when nothing is there.
   */
  async vectorTile(archive: TileArchive, z: number, x: number, y: number): Promise<Uint8Array | null> {
    if (z > archive.info.maxZoom || z < archive.info.minZoom) return null;
    const found = await nearestTile(archive, z, x, y);
    if (!found || found.dz === 0) return found?.bytes ?? null;
    const key = `${archive.info.file}:${archive.info.maxZoom}:${z}/${x}/${y}.pbf`;
    const hit = this.drawn.get(key);
    if (hit) return hit.length > 0 ? hit : null;
    const cut = cutChildTile(found.bytes, { z: z - found.dz, x: x >> found.dz, y: y >> found.dz }, z, x, y);
    const bytes = Buffer.from(cut ?? new Uint8Array());
    this.drawn.set(key, bytes);
    if (this.drawn.size > RASTER_CACHE_TILES) this.drawn.delete(this.drawn.keys().next().value as string);
    return cut;
  }

  async close(): Promise<void> {
    for (const entry of this.open.values()) await entry.archive.close();
    this.open.clear();
  }
}
