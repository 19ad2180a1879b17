/** Vehicle and dock names for filters and table cells, loaded once per page. */
import { type Load, useLoad } from '../../lib/load/index.ts';
import { loadNames } from './api.ts';
import type { Named } from './types.ts';

export interface Names {
  vehicles: Named[];
  docks: Named[];
  vehicleName: Map<string, string>;
  dockName: Map<string, string>;
}

/** No names yet (before they load, or when they failed to): ids stand in. */
export const NO_NAMES: Names = { vehicles: [], docks: [], vehicleName: new Map(), dockName: new Map() };

async function loadAllNames(): Promise<Names> {
  const [vehicles, docks] = await Promise.all([loadNames('/api/vehicles'), loadNames('/api/docks')]);
  const byName = (a: Named, b: Named) => a.name.localeCompare(b.name, undefined, { numeric: true });
  vehicles.sort(byName);
  docks.sort(byName);
  return {
    vehicles,
    docks,
    vehicleName: new Map(vehicles.map((v) => [v.id, v.name])),
    dockName: new Map(docks.map((d) => [d.id, d.name])),
  };
}

/** The names, empty until they arrive (ids stand in meanwhile). */
export function useNames(): Names {
  return useNamesLoad().data ?? NO_NAMES;
}

/** The names' load, for pages that show its failure (`<LoadError>`) with a retry. */
export function useNamesLoad(): Load<Names> {
  return useLoad(loadAllNames, []);
}
