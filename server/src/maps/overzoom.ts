/**
 * A vector tile the archive does not hold, cut from the nearest ancestor it does: the default
 * basemap holds the world only to a low zoom, and MapLibre shows nothing for a tile answered
 * empty, so land outside the detail region would look like open sea without this.
 */
import { VectorTile } from '@mapbox/vector-tile';
import type { Feature } from 'geojson';
import GeoJSONVT from 'geojson-vt';
import { PbfReader } from 'pbf';
import vtpbf from 'vt-pbf';

/**
 * The child z/x/y of `ancestor` (a vector tile at zoom `az`, column `ax`, row `ay`) as an MVT
 * tile, or null when nothing of the ancestor falls in it.
 */
export function cutChildTile(
  ancestor: Uint8Array,
  a: { z: number; x: number; y: number },
  z: number,
  x: number,
  y: number,
): Uint8Array | null {
  const tile = new VectorTile(new PbfReader(ancestor));
  const layers: Record<string, unknown> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: Feature[] = [];
    for (let i = 0; i < layer.length; i++) features.push(layer.feature(i).toGeoJSON(a.x, a.y, a.z));
    if (features.length === 0) continue;
    const index = new GeoJSONVT(
      { type: 'FeatureCollection', features },
      { maxZoom: z, indexMaxZoom: z, indexMaxPoints: 0, tolerance: 3, extent: 4096, buffer: 64 },
    );
    const t = index.getTile(z, x, y);
    if (t && t.features.length > 0) layers[name] = t;
  }
  return Object.keys(layers).length > 0 ? vtpbf.fromGeojsonVt(layers, { version: 2 }) : null;
}
