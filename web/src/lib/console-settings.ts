/**
 * The server's console settings (`GET /api/console/settings`): the basemap imagery and the
 * terrain server that the globe (Cesium) and the 2D maps (MapLibre) draw with. One definition
 * for both engines, mirroring the server's `console` configuration.
 */
import { api } from './api.ts';

/** The basemap: none (the engine's bundled or blank map), or XYZ / WMTS tiles in WGS-84 or GCJ-02. */
export interface ImagerySettings {
  type: 'none' | 'xyz' | 'wmts';
  url: string;
  layer?: string;
  crs: 'wgs84' | 'gcj02';
  maxZoom?: number;
  /** The maps-folder basemap, drawn when no imagery server is configured (attached by the 2D maps). */
  basemap?: BasemapSettings | null;
  /** Boundary overlays the user chose to show (attached by the 2D maps). */
  overlays?: BoundaryOverlay[];
}

/** A boundary overlay of the maps folder (a district's boundary): GeoJSON on this server, WGS-84. */
export interface BoundaryOverlay {
  name: string;
  url: string;
}

/** A map Aerie serves itself from its maps folder (`basemap` in the settings). */
export interface BasemapSettings {
  name: string;
  format: 'vector' | 'raster';
  /** Tile URL template on this server ({z}/{x}/{y}). */
  tiles: string;
  /** PNG tiles (vector maps drawn by the server), for the globe. */
  rasterTiles: string;
  crs: 'wgs84' | 'gcj02';
  minZoom: number;
  maxZoom: number;
  layers: string[];
  attribution: string;
}

export interface ConsoleSettings {
  imagery: ImagerySettings;
  terrainUrl: string | null;
  basemap?: BasemapSettings | null;
  /** The boundary overlays the user chose to show (none unless chosen). */
  overlays?: BoundaryOverlay[];
}

/** A map of the maps folder as `GET /api/maps` lists it. */
export interface InstalledMap extends BasemapSettings {
  archive: 'pmtiles' | 'mbtiles';
  bounds: number[];
}

/**
 * The user's basemap choice, kept in this browser: a map of the maps folder by name, 'none' for
 * no basemap, or null for the server's default.
 */
export type BasemapChoice = string | null;
const CHOICE_KEY = 'aerie.basemap';
/** Choosing no basemap at all (only the background, the imagery server or Cesium's own). */
export const NO_BASEMAP = 'none';

export function storedBasemapChoice(): BasemapChoice {
  try {
    return localStorage.getItem(CHOICE_KEY) || null;
  } catch {
    return null;
  }
}

export function storeBasemapChoice(choice: BasemapChoice): void {
  try {
    if (choice) localStorage.setItem(CHOICE_KEY, choice);
    else localStorage.removeItem(CHOICE_KEY);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export interface MapFolder {
  maps: InstalledMap[];
  overlays: (BoundaryOverlay & { features: number; bounds: number[] })[];
}

export const listMapFolder = () =>
  api.get<MapFolder>('/api/maps').then((r) => ({ maps: r.maps, overlays: r.overlays ?? [] }));

const OVERLAYS_KEY = 'aerie.overlays';

/** The boundary overlays the user chose to show, by name (kept in this browser). */
export function storedOverlayChoice(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(OVERLAYS_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function storeOverlayChoice(names: readonly string[]): void {
  try {
    if (names.length) localStorage.setItem(OVERLAYS_KEY, JSON.stringify(names));
    else localStorage.removeItem(OVERLAYS_KEY);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/** The basemap a choice picks among the installed maps; the server's default when it names none there. */
export function chosenBasemap(
  serverDefault: BasemapSettings | null,
  maps: readonly InstalledMap[],
  choice: BasemapChoice,
): BasemapSettings | null {
  if (!choice) return serverDefault;
  if (choice === NO_BASEMAP) return null;
  const m = maps.find((x) => x.name === choice);
  if (!m) return serverDefault;
  return {
    name: m.name,
    format: m.format,
    tiles: m.tiles,
    rasterTiles: m.rasterTiles,
    crs: m.crs,
    minZoom: m.minZoom,
    maxZoom: m.maxZoom,
    layers: m.layers,
    attribution: m.attribution,
  };
}

/**
 * The settings with the user's basemap choice applied, or null when the server cannot give them
 * (the maps then draw without imagery).
 */
export async function loadConsoleSettings(): Promise<ConsoleSettings | null> {
  try {
    const settings = await api.get<ConsoleSettings>('/api/console/settings');
    const choice = storedBasemapChoice();
    const shown = storedOverlayChoice();
    if (!choice && shown.length === 0) return settings;
    const folder = await listMapFolder().catch((): MapFolder => ({ maps: [], overlays: [] }));
    return {
      ...settings,
      basemap: chosenBasemap(settings.basemap ?? null, folder.maps, choice),
      overlays: folder.overlays
        .filter((o) => shown.includes(o.name))
        .map((o) => ({ name: o.name, url: o.url })),
    };
  } catch {
    return null;
  }
}
