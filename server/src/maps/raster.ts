/**
 * A small vector-tile renderer for the globe: Cesium has no vector tiles, so the server draws a
 * vector tile as SVG (pure, `vectorTileSvg`) and sharp turns it into a PNG. The default basemap's
 * layers get their own colours; any other layer is drawn as thin outlines, so an imported vector
 * map still shows its shapes.
 */
import { BASEMAP_COLORS } from '@aerie/contracts/basemap';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import sharp from 'sharp';

export { BASEMAP_COLORS };

interface LayerStyle {
  fill?: string;
  stroke?: string;
  width?: number;
  dash?: string;
}

const STYLES: Record<string, LayerStyle> = {
  land: { fill: BASEMAP_COLORS.land, stroke: BASEMAP_COLORS.coast, width: 1 },
  water: { fill: BASEMAP_COLORS.water, stroke: BASEMAP_COLORS.water, width: 3 },
  city: { stroke: BASEMAP_COLORS.city, width: 1, dash: '4 3' },
  province: { stroke: BASEMAP_COLORS.province, width: 1.6 },
  country: { stroke: BASEMAP_COLORS.country, width: 2 },
};
/** Drawn bottom to top; layers not named here come after them. */
const ORDER = ['land', 'water', 'city', 'province', 'country'];

/**
 * Which part of a vector tile to draw: the whole tile, or (for a tile the archive does not hold)
 * the child `dz` zooms down at column `dx`, row `dy` inside this ancestor.
 */
export interface TileCrop {
  dz: number;
  dx: number;
  dy: number;
}

/** SVG of one vector tile at `size` pixels. Throws on bytes that are not a vector tile. */
export function vectorTileSvg(
  bytes: Uint8Array,
  size = 256,
  crop: TileCrop = { dz: 0, dx: 0, dy: 0 },
): string {
  const tile = new VectorTile(new PbfReader(bytes));
  const names = Object.keys(tile.layers).sort((a, b) => {
    const ia = ORDER.indexOf(a);
    const ib = ORDER.indexOf(b);
    return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib);
  });
  const parts: string[] = [];
  for (const name of names) {
    const layer = tile.layers[name];
    if (!layer) continue;
    const k = size / layer.extent;
    const style = STYLES[name] ?? { stroke: BASEMAP_COLORS.city, width: 1 };
    let areas = '';
    let lines = '';
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      if (f.type === 1) continue;
      let d = '';
      for (const ring of f.loadGeometry()) {
        ring.forEach((p, j) => {
          d += `${j === 0 ? 'M' : 'L'}${(p.x * k).toFixed(1)} ${(p.y * k).toFixed(1)}`;
        });
        if (f.type === 3) d += 'Z';
      }
      if (f.type === 3) areas += d;
      else lines += d;
    }
    const strokeAttrs = `stroke="${style.stroke ?? 'none'}" stroke-width="${style.width ?? 1}"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} stroke-linejoin="round" vector-effect="non-scaling-stroke"`;
    if (areas)
      parts.push(`<path d="${areas}" fill="${style.fill ?? 'none'}" fill-rule="evenodd" ${strokeAttrs}/>`);
    if (lines) parts.push(`<path d="${lines}" fill="none" ${strokeAttrs}/>`);
  }
  const span = size / 2 ** crop.dz;
  const view = `${crop.dx * span} ${crop.dy * span} ${span} ${span}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="${view}"><rect width="${size}" height="${size}" fill="${BASEMAP_COLORS.sea}"/>${parts.join('')}</svg>`;
}

/** The vector tile (or a crop of it) drawn as a PNG; no tile (`null`) is open sea. */
export async function rasteriseVectorTile(
  bytes: Uint8Array | null,
  size = 256,
  crop?: TileCrop,
): Promise<Buffer> {
  const svg = bytes
    ? vectorTileSvg(bytes, size, crop)
    : `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" fill="${BASEMAP_COLORS.sea}"/></svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 6 }).toBuffer();
}
