/**
 * A small map of where a ticket is: the built-in (or configured) basemap, a dot at the
 * location (drawn as the map's point layer) and a ring of the georeferencing error. Read-only.
 */
import { useEffect, useRef } from 'react';
import { circleRing, PlannerMap } from '../../lib/map/planner-map.ts';
import { loadMapSettings } from '../../lib/map/settings.ts';

export function TicketMap({ lat, lon, errorM }: { lat: number; lon: number; errorM: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let map: PlannerMap | null = null;
    let live = true;
    void loadMapSettings().then((settings) => {
      if (!live || !el.current) return;
      const at = { lat, lon };
      map = new PlannerMap({ container: el.current, center: at, zoom: 16, imagery: settings });
      map.setOverlay({
        docks: [{ id: 'ticket', at, label: '' }],
        zones: [
          {
            id: 'error',
            kind: 'controlled',
            ring: circleRing(at, Math.max(errorM, 1)),
            label: '',
          },
        ],
      });
    });
    return () => {
      live = false;
      map?.destroy();
    };
  }, [lat, lon, errorM]);
  return (
    <div
      ref={el}
      data-testid="ticket-map"
      style={{ height: 220, marginTop: 8, borderRadius: 4, overflow: 'hidden' }}
    />
  );
}
