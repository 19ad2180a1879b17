/** Vehicle and dock names for filters and table cells, loaded once per page. */
import { useEffect, useState } from 'react';
import { loadNames } from './api.ts';
import type { Named } from './types.ts';

export interface Names {
  vehicles: Named[];
  docks: Named[];
  vehicleName: Map<string, string>;
  dockName: Map<string, string>;
}

const EMPTY: Names = { vehicles: [], docks: [], vehicleName: new Map(), dockName: new Map() };

/** The names, empty until they arrive (ids stand in meanwhile); a failure leaves them empty. */
export function useNames(): Names {
  const [names, setNames] = useState<Names>(EMPTY);
  useEffect(() => {
    let live = true;
    void Promise.all([loadNames('/api/vehicles'), loadNames('/api/docks')])
      .then(([vehicles, docks]) => {
        const byName = (a: Named, b: Named) => a.name.localeCompare(b.name, undefined, { numeric: true });
        vehicles.sort(byName);
        docks.sort(byName);
        if (live)
          setNames({
            vehicles,
            docks,
            vehicleName: new Map(vehicles.map((v) => [v.id, v.name])),
            dockName: new Map(docks.map((d) => [d.id, d.name])),
          });
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return names;
}
