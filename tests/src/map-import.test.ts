/**
 * `aerie map import` as a user runs it: a good MBTiles file is checked, described and copied
 * into the maps folder; a bad one is refused with its name and what is wrong.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aerie } from './cli.ts';
import { solidMbtiles } from './map-archives.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aerie-map-import-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One raster tile over Foshan (zoom 8, x 208, XYZ row 111). */
const foshanMbtiles = (file: string) =>
  solidMbtiles(file, '#4a7', [{ z: 8, x: 208, y: 111 }], {
    name: 'Foshan ortho',
    bounds: '112.6,22.6,113.9,23.4',
    minzoom: '8',
    maxzoom: '8',
  });

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
