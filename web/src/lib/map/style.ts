/**
 * The 2D map's style: nothing remote unless an imagery server is configured. No glyphs and no
 * sprites (they would be fetched from the internet), so every label is an HTML marker and
 * every symbol a circle.
 */
import type { StyleSpecification } from 'maplibre-gl';
import type { ImagerySettings } from '../console-settings.ts';

export type { ImagerySettings } from '../console-settings.ts';

export const COLORS = {
  background: '#0b1e33',
  graticule: '#1d3a5c',
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

export function offlineStyle(imagery: ImagerySettings | null): StyleSpecification {
  const tiles = imagery ? tileTemplate(imagery) : null;
  const sources: StyleSpecification['sources'] = {};
  for (const id of SOURCES) sources[id] = { type: 'geojson', data: EMPTY };
  if (tiles)
    sources.basemap = {
      type: 'raster',
      tiles: [tiles],
      tileSize: 256,
      maxzoom: imagery?.maxZoom ?? 18,
    };
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
      { id: 'background', type: 'background', paint: { 'background-color': COLORS.background } },
      ...(tiles ? [{ id: 'basemap', type: 'raster' as const, source: 'basemap' }] : []),
      {
        id: 'graticule',
        type: 'line',
        source: 'graticule',
        paint: { 'line-color': COLORS.graticule, 'line-width': 1 },
      },
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
