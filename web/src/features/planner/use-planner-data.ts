/**
 * What the planner loads when it opens: the basemap settings, the docks (take-off homes), the
 * airspace zones the checks use and the saved routes. Each is its own load with its own error
 * and retry: a failed zone list must be seen (the checks would miss no-fly zones), never taken
 * for "no zones".
 */
import { useLoad } from '../../lib/load/index.ts';
import { listDocklessVehicles, listDocks, listRoutes, listZones, loadSettings } from './api.ts';

export function usePlannerData() {
  return {
    /** null when the server has no imagery settings (the built-in basemap is used). */
    imagery: useLoad(loadSettings, []),
    docks: useLoad(listDocks, []),
    /** Aircraft without a dock: the other kind of take-off site. */
    vehicles: useLoad(listDocklessVehicles, []),
    zones: useLoad(listZones, []),
    routes: useLoad(listRoutes, []),
  };
}
