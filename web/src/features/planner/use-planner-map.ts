/**
 * The planner's map: created once the basemap settings are known (a basemap cannot be swapped
 * in later), centred on the take-off dock when it is first known, and redrawn from what the
 * page holds (route, outline being edited, handles, zones, issue marks, docks).
 */
import { type RefObject, useEffect, useRef, useState } from 'react';
import {
  type MapHandle,
  type MapOverlay,
  type MapPointerEvent,
  PlannerMap,
} from '../../lib/map/planner-map.ts';
import type { ImagerySettings } from '../../lib/map/style.ts';

const DEFAULT_CENTER = { lat: 23.03, lon: 113.15 };

export function usePlannerMap(opts: {
  container: RefObject<HTMLDivElement | null>;
  /** undefined while the settings load; null for the built-in basemap. */
  imagery: ImagerySettings | null | undefined;
  /** Where to centre first (the take-off dock), when known. */
  center: { lat: number; lon: number } | null;
  onPointer(e: MapPointerEvent): boolean;
  onContext(h: MapHandle): void;
  overlay: Partial<MapOverlay>;
}): PlannerMap | null {
  const [map, setMap] = useState<PlannerMap | null>(null);
  const latest = useRef(opts);
  latest.current = opts;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is built once per imagery
  useEffect(() => {
    const el = opts.container.current;
    if (opts.imagery === undefined || !el) return;
    const m = new PlannerMap({
      container: el,
      center: latest.current.center ?? DEFAULT_CENTER,
      zoom: 15,
      imagery: opts.imagery,
      onPointer: (e) => latest.current.onPointer(e),
      onContext: (h) => latest.current.onContext(h),
    });
    setMap(m);
    return () => {
      m.destroy();
      setMap(null);
    };
  }, [opts.imagery]);

  const centred = useRef(false);
  useEffect(() => {
    if (!opts.center || !map || centred.current) return;
    centred.current = true;
    map.fit([opts.center], 15);
  }, [opts.center, map]);

  useEffect(() => {
    map?.setOverlay(opts.overlay);
  }, [map, opts.overlay]);

  return map;
}
