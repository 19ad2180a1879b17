import { describe, expect, it } from 'vitest';
import { localPlane } from '../geo.ts';
import { demGround, parseAsciiGrid, sampleDem } from './dem-grid.ts';
import { pixelToGround } from './projection.ts';

/** A grid of `rows` (northernmost first) with its lower-left cell centred at (lat0, lon0). */
function asc(rows: number[][], lon0: number, lat0: number, cell: number, extra = ''): string {
  return [
    `ncols ${rows[0]!.length}`,
    `nrows ${rows.length}`,
    `xllcenter ${lon0}`,
    `yllcenter ${lat0}`,
    `cellsize ${cell}`,
    extra,
    ...rows.map((r) => r.join(' ')),
  ]
    .filter((l) => l !== '')
    .join('\n');
}

describe('ESRI ASCII grid terrain', () => {
  it('samples cell centres exactly and interpolates between them', () => {
    // South row 10 m, north row 30 m; west column +0, east column +4.
    const parsed = parseAsciiGrid(
      asc(
        [
          [30, 34],
          [10, 14],
        ],
        113.1,
        23.0,
        0.001,
      ),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(sampleDem(parsed.grid, { lat: 23.0, lon: 113.1 })).toBeCloseTo(10, 9);
    expect(sampleDem(parsed.grid, { lat: 23.001, lon: 113.101 })).toBeCloseTo(34, 9);
    // Half way in both directions: the mean of the four corners.
    expect(sampleDem(parsed.grid, { lat: 23.0005, lon: 113.1005 })).toBeCloseTo(22, 9);
    expect(sampleDem(parsed.grid, { lat: 22.999, lon: 113.1 })).toBeUndefined();
  });

  it('reads xllcorner as the cell edge and treats NODATA as outside the model', () => {
    const parsed = parseAsciiGrid(
      asc(
        [
          [5, -9999],
          [5, 5],
        ],
        113.1,
        23.0,
        0.002,
        'NODATA_value -9999',
      ).replace(/xllcenter 113.1\nyllcenter 23/, 'xllcorner 113.099\nyllcorner 22.999'),
    );
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.grid.lonCenter0).toBeCloseTo(113.1, 9);
    expect(sampleDem(parsed.grid, { lat: 23.0, lon: 113.1 })).toBe(5);
    expect(sampleDem(parsed.grid, { lat: 23.002, lon: 113.102 })).toBeUndefined();
  });

  it('names what is wrong in a bad file', () => {
    expect(parseAsciiGrid('ncols 2\nnrows 2\nxllcenter 1\nyllcenter 1\n1 2 3 4')).toMatchObject({
      ok: false,
      error: expect.stringContaining('cellsize'),
    });
    expect(parseAsciiGrid(asc([[1, 2], [3]], 113, 23, 0.001))).toMatchObject({
      ok: false,
      error: 'data: 2 x 2 = 4 heights expected, found 3',
    });
    expect(
      parseAsciiGrid(
        asc(
          [
            [1, 'x' as unknown as number],
            [3, 4],
          ],
          113,
          23,
          0.001,
        ),
      ),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('"x" is not a number'),
    });
    expect(
      parseAsciiGrid(
        asc(
          [
            [1, 2],
            [3, 4],
          ],
          113,
          23,
          30,
        ),
      ),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('longitude/latitude'),
    });
  });

  it('places a ray 30 degrees off nadir on a 40 m plateau, nearer than on flat ground at 10 m', () => {
    const home = { lat: 23.03, lon: 113.14 };
    const rows = Array.from({ length: 21 }, () => Array.from({ length: 21 }, () => 40));
    const parsed = parseAsciiGrid(asc(rows, home.lon - 0.005, home.lat - 0.005, 0.0005));
    if (!parsed.ok) throw new Error(parsed.error);
    const view = {
      pose: { ...home, altMslM: 110, rollDeg: 0, pitchDeg: 0, yawDeg: 0 },
      gimbal: { pitchDeg: -60, yawDeg: 0, rollDeg: 0 },
      camera: { hfovDeg: 90, width: 1000, height: 750 },
    };
    const onDem = pixelToGround(view, 500, 375, demGround(parsed.grid, 0.5));
    const onFlat = pixelToGround(view, 500, 375, { kind: 'flat', elevationMslM: 10 });
    if (!onDem.ok || !onFlat.ok) throw new Error('no ground');
    const north = (p: { lat: number; lon: number }) => localPlane(home).toXY(p).y;
    // 70 m above the plateau: 70 tan 30 = 40.4 m north; 100 m above flat ground: 57.7 m.
    expect(north(onDem.point)).toBeCloseTo(70 * Math.tan(Math.PI / 6), 0);
    expect(north(onFlat.point)).toBeCloseTo(100 * Math.tan(Math.PI / 6), 0);
    expect(onDem.point.elevationMslM).toBeCloseTo(40, 0);
  });
});
