/**
 * What the planner map draws, from what the page holds: pure, so the page only memoises it.
 * The route's paths start and end at the take-off dock; the outline is the zone being edited
 * when there is one, else the route's; issues with a place become marks.
 */
import type { Home, Issue } from '@aerie/missions';
import { circleRing, type MapHandle, type MapLatLon, type MapOverlay } from '../../lib/map/planner-map.ts';
import type { DockRecord, ZoneRecord } from './api.ts';
import type { checkRoute } from './checks.ts';
import { type buildRoute, type Draft, radiusHandle } from './draft.ts';
import type { Handle } from './tool.ts';
import { type ZoneDraft, zoneDraftShape } from './zone-panel.tsx';

/** The draggable handles of a draft, the selected one marked. */
export function handlesOf(d: Draft, selected: Handle | null): MapOverlay['handles'] {
  const same = (h: Handle) => JSON.stringify(h) === JSON.stringify(selected);
  if (d.pattern === 'orbit') {
    if (!d.center) return [];
    const r = radiusHandle(d)!;
    return [
      { at: d.center, handle: { kind: 'center' } as MapHandle, selected: same({ kind: 'center' }) },
      { at: r, handle: { kind: 'radius' } as MapHandle, selected: same({ kind: 'radius' }) },
    ];
  }
  return d.points.map((p, index) => {
    const handle: Handle = { kind: 'vertex', index };
    return { at: p, handle, selected: same(handle) };
  });
}

export function plannerOverlay(o: {
  draft: Draft;
  /** The draft being edited: the zone's while one is edited, else `draft`. */
  active: Draft;
  zoneDraft: ZoneDraft | null;
  selected: Handle | null;
  built: ReturnType<typeof buildRoute>;
  check: ReturnType<typeof checkRoute> | null;
  home: Home | undefined;
  zones: readonly ZoneRecord[];
  docks: readonly DockRecord[];
  /** The title of an issue mark, in the user's language. */
  issueTitle(issue: Pick<Issue, 'code' | 'message' | 'params'>): string;
}): MapOverlay {
  const { draft, home, zoneDraft } = o;
  const routeShape = draft.pattern === 'survey' ? 'polygon' : 'line';
  return {
    route: o.built.ok ? o.built.paths.map((p) => (home ? [home, ...p, home] : p)) : [],
    shape: zoneDraft
      ? zoneDraftShape(zoneDraft)
      : draft.pattern === 'orbit'
        ? draft.center
          ? { type: 'polygon', points: circleRing(draft.center, draft.radiusM) }
          : null
        : { type: routeShape, points: draft.points },
    handles: handlesOf(o.active, o.selected),
    zones: o.zones.map((z) => ({
      id: z.id,
      kind: z.kind,
      label: z.name,
      selected: zoneDraft?.id === z.id,
      ring:
        z.geometry.type === 'polygon' ? z.geometry.points : circleRing(z.geometry.center, z.geometry.radiusM),
    })),
    marks:
      o.check?.issues
        .filter((i) => i.at)
        .map((i) => ({
          at: i.at as MapLatLon,
          code: i.code,
          severity: i.severity,
          title: o.issueTitle(i),
        })) ?? [],
    docks: o.docks.map((d) => ({ id: d.id, label: d.name, at: { lat: d.latDeg, lon: d.lonDeg } })),
  };
}
