/** GeoJSON for tests: squares, grid features and their collections (what POST /api/grids/import takes). */

/** Metres per degree of latitude (mean Earth radius). */
export const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

/** A closed ring around the box, as one polygon's rings: [[[x0, y0], ..., [x0, y0]]]. */
export const square = (x0: number, y0: number, x1: number, y1: number) => [
  [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ],
];

/** A grid feature: a Polygon from one polygon's rings, a MultiPolygon from several. */
export function gridFeature(properties: { name?: string; department?: string }, ...polygons: number[][][][]) {
  return {
    type: 'Feature' as const,
    properties,
    geometry:
      polygons.length === 1
        ? { type: 'Polygon' as const, coordinates: polygons[0] }
        : { type: 'MultiPolygon' as const, coordinates: polygons },
  };
}

export const featureCollection = <F>(...features: F[]) => ({ type: 'FeatureCollection' as const, features });
