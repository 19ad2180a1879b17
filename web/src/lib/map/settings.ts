/**
 * The 2D maps' basemap from the server's console settings: the imagery server, with the basemap
 * Aerie serves from its maps folder attached. Null when the server cannot be asked (the map then
 * draws its plain background).
 */
import { loadConsoleSettings } from '../console-settings.ts';
import type { ImagerySettings } from './style.ts';

export async function loadMapSettings(): Promise<ImagerySettings | null> {
  const s = await loadConsoleSettings();
  return s ? { ...s.imagery, basemap: s.basemap ?? null, overlays: s.overlays ?? [] } : null;
}
