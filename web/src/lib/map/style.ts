/**
 * The 2D map's style: a configured imagery server, else the basemap Aerie serves from its maps
 * folder (the generated default: land, coastlines, rivers, borders), else a plain background.
 * No glyphs and no sprites (they would be fetched from the internet), so every label is an HTML
 * marker and every symbol a circle.
 */
import { BASEMAP_COLORS } from '@aerie/contracts/basemap';
import type { StyleSpecification } from 'maplibre-gl';
import type { BasemapSettings, ImagerySettings } from '../console-settings.ts';

export type { BasemapSettings, ImagerySettings } from '../console-settings.ts';

/** The datum of what the map draws under the overlays (null: nothing, so no shift). */
export function basemapCrs(imagery: ImagerySettings | null): 'wgs84' | 'gcj02' | null {
  if (!imagery) return null;
  if (imagery.type !== 'none' && imagery.url) return imagery.crs;
  return imagery.basemap?.crs ?? null;
}

export const COLORS = {
  background: '#0b1e33',
  graticule: '#1d3a5c',
  boundary: '#ffd24a',
  route: '#22d3ee',
  shape: '#e2e8f0',
  handle: '#f8fafc',
  handleStroke: '#0ea5e9',
  selected: '#facc15',
  nofly: '#ef4444',
  controlled: '#f59e0b',
  inclusion: '#22c55e',
  dock: '#a78bfa',
} as const;

/** A tile URL template MapLibre understands ({z}/{x}/{y}) from an XYZ or WMTS template. */
export function tileTemplate(imagery: ImagerySettings): string | null {
  if (imagery.type === 'none' || !imagery.url) return null;
  if (imagery.type === 'xyz') return imagery.url;
  // WMTS in the GoogleMapsCompatible matrix set: TileMatrix is the zoom, TileCol/TileRow x/y.
  return imagery.url
    .replaceAll('{TileMatrix}', '{z}')
    .replaceAll('{TileCol}', '{x}')
    .replaceAll('{TileRow}', '{y}')
    .replaceAll('{Layer}', imagery.layer ?? '')
    .replaceAll('{layer}', imagery.layer ?? '');
}

/** The GeoJSON the map's sources take (the subset drawn here). */
export type Position = [number, number];
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'Polygon'; coordinates: Position[][] };
export interface Feature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: Geometry;
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}

const EMPTY = { type: 'FeatureCollection', features: [] } as const;

/** Source ids the planner map fills. */
export const SOURCES = ['graticule', 'zones', 'route', 'shape', 'handles', 'docks'] as const;
export type SourceId = (typeof SOURCES)[number];

/** An absolute URL for a server path (MapLibre's workers fetch tiles by absolute URL). */
function absolute(path: string, base: string): string {
  return /^[a-z]+:/i.test(path) ? path : `${base.replace(/\/$/, '')}${path}`;
}

type Layers = StyleSpecification['layers'];

/** Layers drawing the maps-folder basemap `b` from source 'aerie-basemap'. */
export function basemapLayers(b: BasemapSettings): Layers {
  const src = 'aerie-basemap';
  if (b.format === 'raster') return [{ id: 'aerie-basemap', type: 'raster', source: src }];
  const known = new Set(b.layers);
  const has = (id: string) => known.size === 0 || known.has(id);
  const out: Layers = [];
  if (has('land'))
    out.push({
      id: 'bm-land',
      type: 'fill',
      source: src,
      'source-layer': 'land',
      paint: { 'fill-color': BASEMAP_COLORS.land, 'fill-outline-color': BASEMAP_COLORS.coast },
    });
  if (has('land'))
    out.push({
      id: 'bm-coast',
      type: 'line',
      source: src,
      'source-layer': 'land',
      paint: { 'line-color': BASEMAP_COLORS.coast, 'line-width': 1 },
    });
  if (has('water'))
    out.push({
      id: 'bm-water',
      type: 'fill',
      source: src,
      'source-layer': 'water',
      paint: { 'fill-color': BASEMAP_COLORS.water },
    });
  if (has('water'))
    out.push({
      id: 'bm-water-edge',
      type: 'line',
      source: src,
      'source-layer': 'water',
      // The packaged river areas are coarse fragments; a zoom-wide edge joins them into channels.
      paint: {
        'line-color': BASEMAP_COLORS.water,
        'line-width': ['interpolate', ['linear'], ['zoom'], 6, 1, 9, 3, 12, 5],
      },
    });
  const borders: [string, string, number, number[] | null][] = [
    ['city', BASEMAP_COLORS.city, 1, [3, 2]],
    ['province', BASEMAP_COLORS.province, 1.6, null],
    ['country', BASEMAP_COLORS.country, 2, null],
  ];
  for (const [id, color, width, dash] of borders)
    if (has(id))
      out.push({
        id: `bm-${id}`,
        type: 'line',
        source: src,
        'source-layer': id,
        paint: { 'line-color': color, 'line-width': width, ...(dash ? { 'line-dasharray': dash } : {}) },
      });
  return out;
}

export function offlineStyle(
  imagery: ImagerySettings | null,
  origin: string = globalThis.location?.origin ?? 'http://localhost',
): StyleSpecification {
  const tiles = imagery ? tileTemplate(imagery) : null;
  const basemap = !tiles ? (imagery?.basemap ?? null) : null;
  const sources: StyleSpecification['sources'] = {};
  for (const id of SOURCES) sources[id] = { type: 'geojson', data: EMPTY };
  if (tiles)
    sources.basemap = {
      type: 'raster',
      tiles: [tiles],
      tileSize: 256,
      maxzoom: imagery?.maxZoom ?? 18,
    };
  for (const o of imagery?.overlays ?? [])
    sources[`overlay-${o.name}`] = { type: 'geojson', data: absolute(o.url, origin) };
  if (basemap)
    sources['aerie-basemap'] = {
      type: basemap.format === 'vector' ? 'vector' : 'raster',
      tiles: [absolute(basemap.tiles, origin)],
      minzoom: basemap.minZoom,
      maxzoom: basemap.maxZoom,
      ...(basemap.format === 'raster' ? { tileSize: 256 } : {}),
      ...(basemap.attribution ? { attribution: basemap.attribution } : {}),
    } as StyleSpecification['sources'][string];
  const kindColor = [
    'match',
    ['get', 'kind'],
    'nofly',
    COLORS.nofly,
    'controlled',
    COLORS.controlled,
    COLORS.inclusion,
  ] as unknown as string;
  return {
    version: 8,
    name: 'aerie-offline',
    sources,
    layers: [
      {
        id: 'background',
        type: 'background',
        paint: { 'background-color': basemap ? BASEMAP_COLORS.sea : COLORS.background },
      },
      ...(tiles ? [{ id: 'basemap', type: 'raster' as const, source: 'basemap' }] : []),
      ...(basemap ? basemapLayers(basemap) : []),
      {
        id: 'graticule',
        type: 'line',
        source: 'graticule',
        paint: { 'line-color': COLORS.graticule, 'line-width': 1 },
      },
      // Boundary overlays (a district's boundary), fetched by MapLibre from this server.
      ...(imagery?.overlays ?? []).map((o) => ({
        id: `overlay-${o.name}`,
        type: 'line' as const,
        source: `overlay-${o.name}`,
        paint: { 'line-color': COLORS.boundary, 'line-width': 2.5, 'line-dasharray': [4, 2] },
      })),
      {
        id: 'zones-fill',
        type: 'fill',
        source: 'zones',
        paint: { 'fill-color': kindColor, 'fill-opacity': ['case', ['get', 'selected'], 0.4, 0.22] },
      },
      {
        id: 'zones-line',
        type: 'line',
        source: 'zones',
        paint: { 'line-color': kindColor, 'line-width': ['case', ['get', 'selected'], 3, 1.5] },
      },
      {
        id: 'shape-fill',
        type: 'fill',
        source: 'shape',
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'fill-color': COLORS.shape, 'fill-opacity': 0.08 },
      },
      {
        id: 'shape-line',
        type: 'line',
        source: 'shape',
        paint: { 'line-color': COLORS.shape, 'line-width': 1.5, 'line-dasharray': [3, 2] },
      },
      {
        id: 'route-line',
        type: 'line',
        source: 'route',
        paint: { 'line-color': COLORS.route, 'line-width': 2.5 },
      },
      {
        id: 'docks',
        type: 'circle',
        source: 'docks',
        paint: {
          'circle-radius': 8,
          'circle-color': COLORS.dock,
          'circle-stroke-color': '#fff',
          'circle-stroke-width': 2,
        },
      },
      {
        id: 'handles',
        type: 'circle',
        source: 'handles',
        paint: {
          'circle-radius': ['case', ['get', 'selected'], 8, 6],
          'circle-color': ['case', ['get', 'selected'], COLORS.selected, COLORS.handle],
          'circle-stroke-color': COLORS.handleStroke,
          'circle-stroke-width': 2,
        },
      },
    ],
  };
}

/** A straight line from `a` to `b`, as a feature without properties. */
function segment(a: Position, b: Position): Feature {
  return { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [a, b] } };
}

/** Lines every `stepDeg` degrees around a centre, so an imagery-less map still shows scale and motion. */
export function graticule(
  center: { lat: number; lon: number },
  stepDeg = 0.01,
  span = 60,
): FeatureCollection {
  const features: Feature[] = [];
  const lat0 = Math.round(center.lat / stepDeg) * stepDeg;
  const lon0 = Math.round(center.lon / stepDeg) * stepDeg;
  const half = (span / 2) * stepDeg;
  for (let i = -span / 2; i <= span / 2; i++) {
    const lat = lat0 + i * stepDeg;
    const lon = lon0 + i * stepDeg;
    features.push(segment([lon0 - half, lat], [lon0 + half, lat]));
    features.push(segment([lon, lat0 - half], [lon, lat0 + half]));
  }
  return { type: 'FeatureCollection', features };
}
