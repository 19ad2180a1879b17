/**
 * Binds the pure tool state machine to a PlannerMap: pointer events in, draft edits out. The
 * draft lives in the page's state; the hook keeps refs so the map's handlers always see the
 * latest draft without being re-attached.
 */
import { useCallback, useRef } from 'react';
import type { MapHandle, MapPointerEvent } from '../../lib/map/planner-map.ts';
import { applyEdit, type Draft, type DraftEdit } from './draft.ts';
import { capturesPointer, type Handle, IDLE, step, type ToolState } from './tool.ts';

function editFor(handle: Handle, at: { lat: number; lon: number }): DraftEdit {
  if (handle.kind === 'vertex') return { type: 'move', index: handle.index, at };
  if (handle.kind === 'center') return { type: 'center', at };
  return { type: 'radius', at };
}

export function useMapEditor(opts: {
  draft: Draft;
  setDraft: (d: Draft) => void;
  onSelect: (h: Handle | null) => void;
  enabled: boolean;
}): { onPointer: (e: MapPointerEvent) => boolean; onContext: (h: MapHandle) => void } {
  const tool = useRef<ToolState>(IDLE);
  const latest = useRef(opts);
  latest.current = opts;
  // Edits within one drag stack on the draft of the previous move, not on a stale render.
  const working = useRef<Draft | null>(null);

  const onPointer = useCallback((e: MapPointerEvent): boolean => {
    const o = latest.current;
    if (!o.enabled) return false;
    const [next, effects] = step(
      tool.current,
      e.type === 'down'
        ? { type: 'down', handle: e.handle, x: e.x, y: e.y, at: e.at }
        : { type: e.type, x: e.x, y: e.y, at: e.at },
    );
    tool.current = next;
    let d = working.current ?? o.draft;
    for (const fx of effects) {
      if (fx.type === 'add') {
        d = applyEdit(d, { type: 'add', at: fx.at });
        o.onSelect(
          d.pattern === 'orbit' ? { kind: 'center' } : { kind: 'vertex', index: d.points.length - 1 },
        );
      } else if (fx.type === 'select') o.onSelect(fx.handle);
      else if (fx.type === 'drag') d = applyEdit(d, editFor(fx.handle, fx.at));
      else if (fx.type === 'rollback') d = applyEdit(d, editFor(fx.handle, fx.at));
    }
    if (d !== (working.current ?? o.draft)) o.setDraft(d);
    working.current = next.mode === 'dragging' ? d : null;
    return capturesPointer(next);
  }, []);

  const onContext = useCallback((h: MapHandle) => {
    const o = latest.current;
    if (!o.enabled || h.kind !== 'vertex') return;
    o.setDraft(applyEdit(o.draft, { type: 'remove', index: h.index }));
    o.onSelect(null);
  }, []);

  return { onPointer, onContext };
}
