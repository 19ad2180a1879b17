/**
 * The 2D maps' basemap from the server's console settings: the imagery server, with the basemap
 * Aerie serves from its maps folder attached. Null when the server cannot be asked (the map then
 * draws its plain background).
 */
import { api } from '../api.ts';
import type { BasemapSettings, ImagerySettings } from './style.ts';

export async function loadMapSettings(): Promise<ImagerySettings | null> {
  try {
    const s = await api.get<{ imagery: ImagerySettings; basemap?: BasemapSettings | null }>(
      '/api/console/settings',
    );
    return { ...s.imagery, basemap: s.basemap ?? null };
  } catch {
    return null;
  }
}
