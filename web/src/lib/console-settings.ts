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
}

/** The settings, or null when the server cannot give them (the maps then draw without imagery). */
export async function loadConsoleSettings(): Promise<ConsoleSettings | null> {
  try {
    return await api.get<ConsoleSettings>('/api/console/settings');
  } catch {
    return null;
  }
}
