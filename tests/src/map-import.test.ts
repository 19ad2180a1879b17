/**
 * `aerie map import` as a user runs it: a good MBTiles file is checked, described and copied
 * into the maps folder; a bad one is refused with its name and what is wrong.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aerie } from './cli.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-map-import-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One raster tile over Foshan (zoom 8, x 208, XYZ row 111), TMS row in the file. */
async function foshanMbtiles(file: string): Promise<void> {
  const png = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#4a7' } })
    .png()
    .toBuffer();
  const db = new Database(file);
  db.exec(`CREATE TABLE metadata (name TEXT, value TEXT);
    CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);`);
  const meta = {
    name: 'Foshan ortho',
    format: 'png',
    bounds: '112.6,22.6,113.9,23.4',
    minzoom: '8',
    maxzoom: '8',
  };
  for (const [k, v] of Object.entries(meta)) db.prepare('INSERT INTO metadata VALUES (?, ?)').run(k, v);
  db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)').run(8, 208, 255 - 111, png);
  db.close();
}

describe('aerie map import', () => {
  it('checks a good file, says what it found and copies it in with its datum', async () => {
    const src = path.join(dir, 'foshan-ortho.mbtiles');
    await foshanMbtiles(src);
    const dataDir = path.join(dir, 'data');
    const r = await aerie(['map', 'import', src, '--crs', 'gcj02', '--data-dir', dataDir], 120_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("as 'foshan-ortho'");
    expect(r.stdout).toContain('format: mbtiles, raster (png tiles)');
    expect(r.stdout).toContain('zoom: 8-8');
    expect(r.stdout).toContain('datum: gcj02');
    const target = path.join(dataDir, 'maps', 'foshan-ortho.mbtiles');
    expect(existsSync(target)).toBe(true);
    expect(JSON.parse(readFileSync(`${target}.aerie.json`, 'utf8'))).toEqual({ crs: 'gcj02' });
  }, 150_000);

  it('refuses a file that is not a tile archive, naming it and the reason', async () => {
    const bad = path.join(dir, 'notes.mbtiles');
    writeFileSync(bad, 'this is not SQLite');
    const r = await aerie(['map', 'import', bad, '--data-dir', path.join(dir, 'data2')], 120_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/aerie map import: .*notes\.mbtiles: not an (SQLite|MBTiles) file/);
    const crs = await aerie(['map', 'import', bad, '--crs', 'bd09'], 120_000);
    expect(crs.code).toBe(2);
    expect(crs.stderr).toContain("--crs must be wgs84 or gcj02, got 'bd09'");
  }, 150_000);
});
