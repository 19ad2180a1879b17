/**
 * `aerie map import FILE`: opens the file as a tile archive (format, metadata, tiles present,
 * bounds), and copies it into the maps folder under its name, with the datum in a sidecar.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fail, ok, type Result } from '@aerie/contracts';
import { checkMapName, type MapCrs, type MapInfo, mapNameOf, openArchive, tileOf } from './archive.ts';
import { sidecarOf } from './library.ts';
import { type OverlayInfo, readOverlay } from './overlays.ts';

export interface ImportOptions {
  name?: string;
  crs?: MapCrs;
  /** Replace a map of the same name. */
  force?: boolean;
}

/** One line per fact found, for the CLI to print. */
export function describeMap(info: MapInfo): string[] {
  return [
    `format: ${info.archive}, ${info.format} (${info.tileFormat} tiles)`,
    `zoom: ${info.minZoom}-${info.maxZoom}`,
    `bounds: ${info.bounds.map((v) => v.toFixed(4)).join(', ')} (west, south, east, north)`,
    `datum: ${info.crs}`,
    ...(info.layers.length ? [`layers: ${info.layers.join(', ')}`] : []),
    ...(info.attribution ? [`attribution: ${info.attribution}`] : []),
  ];
}

/** Copies `file` into `mapsDir` as `name`+`ext` (through a .part file), unless one is there and not `force`d. */
function copyIn(
  file: string,
  mapsDir: string,
  name: string,
  ext: string,
  force: boolean | undefined,
): Result<string, 'Exists'> {
  const target = join(mapsDir, `${name}${ext}`);
  if (existsSync(target) && !force)
    return fail(
      'Exists',
      `${file}: a map named '${name}' is already in ${mapsDir} (use --force to replace it)`,
    );
  mkdirSync(mapsDir, { recursive: true });
  copyFileSync(file, `${target}.part`);
  renameSync(`${target}.part`, target);
  return ok(target);
}

/**
 * `aerie map import boundary.geojson`: checks the file is GeoJSON with polygons or lines and copies
 * it in as a boundary overlay.
 */
export function importOverlay(
  file: string,
  mapsDir: string,
  opts: Pick<ImportOptions, 'name' | 'force'> = {},
): Result<{ info: OverlayInfo; target: string }, 'BadMap' | 'Exists'> {
  if (!existsSync(file)) return fail('BadMap', `${file}: no such file`);
  const name = opts.name ?? mapNameOf(file);
  const badName = checkMapName(name);
  if (badName) return fail('BadMap', `${file}: ${badName}`);
  const read = readOverlay(readFileSync(file, 'utf8'));
  if (!read.ok) return fail('BadMap', `${file}: ${read.error.message}`);
  const copied = copyIn(file, mapsDir, name, '.geojson', opts.force);
  if (!copied.ok) return copied;
  return ok({
    info: { name, features: read.value.geojson.features.length, bounds: read.value.bounds },
    target: copied.value,
  });
}

/** Checks `file` and copies it into `mapsDir`; the error names the file and what is wrong. */
export async function importMap(
  file: string,
  mapsDir: string,
  opts: ImportOptions = {},
): Promise<Result<{ info: MapInfo; target: string }, 'BadMap' | 'Exists'>> {
  if (!existsSync(file)) return fail('BadMap', `${file}: no such file`);
  const name = opts.name ?? mapNameOf(file);
  const badName = checkMapName(name);
  if (badName) return fail('BadMap', `${file}: ${badName}`);
  const opened = await openArchive(file, opts.crs);
  if (!opened.ok) return opened;
  const archive = opened.value;
  try {
    const { info } = archive;
    // A tile must really be readable at the lowest zoom inside the bounds.
    const [w, s, e, n] = info.bounds;
    const z = info.minZoom;
    const { x: cx, y: cy } = tileOf((w + e) / 2, (s + n) / 2, z);
    let probe: Uint8Array | null;
    try {
      probe = await archive.tile(z, cx, cy);
    } catch (err) {
      return fail('BadMap', `${file}: tile ${z}/${cx}/${cy} cannot be read (${(err as Error).message})`);
    }
    if (!probe)
      return fail(
        'BadMap',
        `${file}: no tile at the centre of its bounds (${z}/${cx}/${cy}); check the metadata 'bounds' and 'minzoom'`,
      );
    const copied = copyIn(file, mapsDir, name, extname(file).toLowerCase(), opts.force);
    if (!copied.ok) return copied;
    const target = copied.value;
    writeFileSync(sidecarOf(target), `${JSON.stringify({ crs: info.crs })}\n`);
    return ok({ info: { ...info, name, file: target }, target });
  } finally {
    await archive.close();
  }
}
