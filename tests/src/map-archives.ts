/** Tile archives for the tests that import maps: raster MBTiles of one solid colour. */
import Database from 'better-sqlite3';
import sharp from 'sharp';

/** One tile by its XYZ address. */
export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/**
 * Writes a raster (PNG) MBTiles file whose `tiles` are each one solid `colour`; `meta` is its
 * metadata table (name, bounds, minzoom, maxzoom; format is png). Rows are stored TMS, as the
 * format wants.
 */
export async function solidMbtiles(
  file: string,
  colour: string,
  tiles: readonly TileAddress[],
  meta: Record<string, string>,
): Promise<void> {
  const png = await sharp({ create: { width: 256, height: 256, channels: 3, background: colour } })
    .png()
    .toBuffer();
  const db = new Database(file);
  db.exec(`CREATE TABLE metadata (name TEXT, value TEXT);
    CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);`);
  for (const [k, v] of Object.entries({ format: 'png', ...meta }))
    db.prepare('INSERT INTO metadata VALUES (?, ?)').run(k, v);
  for (const t of tiles)
    db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)').run(t.z, t.x, 2 ** t.z - 1 - t.y, png);
  db.close();
}
