/**
 * A terrain model for georeferencing from an ESRI ASCII grid (`.asc`), the plain-text raster
 * format GDAL writes (`gdal_translate -of AAIGrid`) and most GIS tools read. The grid must be in
 * WGS-84 longitude/latitude degrees with heights in metres above mean sea level. Pure: the
 * caller reads the file; this parses the text and samples it (bilinear between cell centres).
 *
 *   ncols 4
 *   nrows 3
 *   xllcorner 113.10        (or xllcenter: the lower-left cell's centre)
 *   yllcorner 23.00         (or yllcenter)
 *   cellsize 0.001          (degrees)
 *   NODATA_value -9999      (optional)
 *   12.0 12.5 13.0 13.5     (nrows rows, northernmost first)
 *   ...
 */
import type { LatLon } from '../geo.ts';
import type { Ground } from './projection.ts';

export interface DemGrid {
  ncols: number;
  nrows: number;
  /** Longitude and latitude of the lower-left (south-west) cell's centre. */
  lonCenter0: number;
  latCenter0: number;
  cellsizeDeg: number;
  /** Heights, row-major from the SOUTHERNMOST row; NaN where the file has no data. */
  heights: Float64Array;
}

export type DemParse = { ok: true; grid: DemGrid } | { ok: false; error: string };

const HEADER_KEYS = [
  'ncols',
  'nrows',
  'xllcorner',
  'xllcenter',
  'yllcorner',
  'yllcenter',
  'cellsize',
  'nodata_value',
];

/** Parses an ESRI ASCII grid; the error names the header field or the row that is wrong. */
export function parseAsciiGrid(text: string): DemParse {
  const bad = (error: string): DemParse => ({ ok: false, error });
  const lines = text.split(/\r?\n/);
  const header = new Map<string, number>();
  let i = 0;
  for (; i < lines.length; i++) {
    const parts = lines[i]!.trim().split(/\s+/);
    const key = parts[0]?.toLowerCase() ?? '';
    if (!HEADER_KEYS.includes(key)) break;
    const value = Number(parts[1]);
    if (parts.length !== 2 || !Number.isFinite(value))
      return bad(`line ${i + 1}: ${parts[0]} needs one number`);
    header.set(key, value);
  }
  const ncols = header.get('ncols');
  const nrows = header.get('nrows');
  const cellsize = header.get('cellsize');
  if (ncols === undefined || !Number.isInteger(ncols) || ncols < 2)
    return bad('ncols: a whole number of at least 2 is required');
  if (nrows === undefined || !Number.isInteger(nrows) || nrows < 2)
    return bad('nrows: a whole number of at least 2 is required');
  if (cellsize === undefined || !(cellsize > 0) || cellsize > 1) {
    return bad(
      'cellsize: degrees greater than 0 and at most 1 are required (the grid must be in longitude/latitude)',
    );
  }
  const x =
    header.get('xllcenter') ??
    (header.has('xllcorner') ? header.get('xllcorner')! + cellsize / 2 : undefined);
  const y =
    header.get('yllcenter') ??
    (header.has('yllcorner') ? header.get('yllcorner')! + cellsize / 2 : undefined);
  if (x === undefined || x < -180 || x > 180)
    return bad('xllcorner/xllcenter: a longitude in degrees is required');
  if (y === undefined || y < -90 || y > 90)
    return bad('yllcorner/yllcenter: a latitude in degrees is required');
  const nodata = header.get('nodata_value');

  const values: number[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    for (const token of line.split(/\s+/)) {
      const v = Number(token);
      if (!Number.isFinite(v)) return bad(`line ${i + 1}: "${token}" is not a number`);
      values.push(v);
    }
  }
  if (values.length !== ncols * nrows) {
    return bad(`data: ${ncols} x ${nrows} = ${ncols * nrows} heights expected, found ${values.length}`);
  }
  // The file lists the northernmost row first; store from the south so row index grows with latitude.
  const heights = new Float64Array(ncols * nrows);
  for (let r = 0; r < nrows; r++) {
    for (let c = 0; c < ncols; c++) {
      const v = values[(nrows - 1 - r) * ncols + c]!;
      heights[r * ncols + c] = v === nodata ? Number.NaN : v;
    }
  }
  return { ok: true, grid: { ncols, nrows, lonCenter0: x, latCenter0: y, cellsizeDeg: cellsize, heights } };
}

/** Height at a point, bilinear between the four surrounding cell centres; undefined outside or on no-data. */
export function sampleDem(grid: DemGrid, p: LatLon): number | undefined {
  // A point on the outermost cell centres counts as inside, whatever the rounding of degrees.
  const eps = 1e-9;
  const rx = (p.lon - grid.lonCenter0) / grid.cellsizeDeg;
  const ry = (p.lat - grid.latCenter0) / grid.cellsizeDeg;
  if (rx < -eps || ry < -eps || rx > grid.ncols - 1 + eps || ry > grid.nrows - 1 + eps) return undefined;
  const fx = Math.min(Math.max(rx, 0), grid.ncols - 1);
  const fy = Math.min(Math.max(ry, 0), grid.nrows - 1);
  const c0 = Math.min(Math.floor(fx), grid.ncols - 2);
  const r0 = Math.min(Math.floor(fy), grid.nrows - 2);
  const tx = fx - c0;
  const ty = fy - r0;
  const at = (r: number, c: number) => grid.heights[r * grid.ncols + c]!;
  // Corners of zero weight are left out, so a no-data neighbour does not spoil a point on a good cell.
  const corners: [number, number][] = [
    [at(r0, c0), (1 - tx) * (1 - ty)],
    [at(r0, c0 + 1), tx * (1 - ty)],
    [at(r0 + 1, c0), (1 - tx) * ty],
    [at(r0 + 1, c0 + 1), tx * ty],
  ];
  let h = 0;
  for (const [height, weight] of corners) if (weight > 0) h += height * weight;
  return Number.isNaN(h) ? undefined : h;
}

/** The grid as the georeferencing's ground model. */
export function demGround(grid: DemGrid, stepM?: number): Ground {
  return {
    kind: 'dem',
    elevationMslM: (p) => sampleDem(grid, p),
    ...(stepM !== undefined ? { stepM } : {}),
  };
}
