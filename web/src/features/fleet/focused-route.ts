/**
 * Keeps the focused vehicle's current mission route on the globe: when a vehicle is focused,
 * its newest sortie is read (and read again every few seconds, since a sortie can start while
 * it is watched); a running sortie with a saved route is drawn with the part already flown
 * bright, following the vehicle's MISSION_CURRENT. A vehicle flying without such a sortie
 * (commanded by hand, or a mission uploaded by another ground station) shows no route.
 */
import type { Flavour, Route } from '@aerie/missions';
import { api, type Page } from '../../lib/api.ts';
import type { Globe } from '../../lib/globe/globe.ts';
import { fleetStore, focusedVehicle, onFocusChange } from '../../live/fleet-model.ts';
import { type MissionPath, progressIndex, routeMissionPath } from './mission-path.ts';

const RECHECK_MS = 5000;

interface SortieRow {
  id: string;
  status: string;
  routeId?: string | null;
}

export function bindFocusedRoute(globe: Globe): () => void {
  let path: MissionPath | null = null;
  let pathKey = '';
  let generation = 0;

  const draw = () => {
    const id = focusedVehicle();
    const state = id ? fleetStore.vehicles.get(id)?.state : null;
    if (!path || !state) {
      globe.route.set([], -1);
      return;
    }
    // Asks the globe for a frame itself, only when the route or the progress along it changed.
    globe.route.set(path.points, progressIndex(path, state.mission?.currentSeq));
  };

  const refresh = async () => {
    const id = focusedVehicle();
    const mine = ++generation;
    if (!id) {
      path = null;
      pathKey = '';
      draw();
      return;
    }
    try {
      const page = await api.get<Page<SortieRow>>('/api/sorties', { vehicleId: id, limit: 1 });
      const sortie = page.items[0];
      const key = sortie?.status === 'running' && sortie.routeId ? `${sortie.id}:${sortie.routeId}` : '';
      if (mine !== generation) return;
      if (key !== pathKey) {
        pathKey = key;
        path = null;
        if (key && sortie?.routeId) {
          const saved = await api.get<{ route: Route }>(`/api/routes/${sortie.routeId}`);
          if (mine !== generation) return;
          const state = fleetStore.vehicles.get(id)?.state;
          const flavour: Flavour = state?.autopilot === 'ardupilot' ? 'ardupilot' : 'px4';
          const home = state?.home
            ? { lat: state.home.lat, lon: state.home.lon, altAmslM: state.home.altMslM }
            : undefined;
          path = routeMissionPath(saved.route, flavour, home);
        }
      }
    } catch {
      // No permission to read routes, or the server is away: the vehicle is shown without a route.
      if (mine === generation) path = null;
    }
    draw();
  };

  const offFocus = onFocusChange(() => void refresh());
  const offStore = fleetStore.subscribe((changed) => {
    const id = focusedVehicle();
    if (path && id && changed.includes(id)) draw();
  });
  const timer = setInterval(() => {
    if (focusedVehicle()) void refresh();
  }, RECHECK_MS);
  void refresh();

  return () => {
    generation++;
    offFocus();
    offStore();
    clearInterval(timer);
    globe.route.set([], -1);
  };
}
