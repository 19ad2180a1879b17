/**
 * The map's editing tool as a small state machine (as tldraw's HandTool):
 *
 *   Idle --down on empty map--> Pointing(empty) --up--> Idle  [add a point]
 *                                      \--moved--> Idle (the map pans; nothing is added)
 *   Idle --down on a handle--> Pointing(handle) --up--> Idle  [select it]
 *                                      \--moved--> Dragging(handle) --move--> [move it]
 *                                                        \--up--> Idle [commit]
 *   any --cancel--> Idle (a drag in progress is rolled back)
 *
 * `step` is pure: it returns the next state and what the page should do. The map wrapper
 * turns DOM pointer events into ToolEvents; the page applies the effects to its draft.
 */
import type { LatLon } from '@aerie/missions';

/** A handle the map drew and the pointer went down on. */
export type Handle = { kind: 'vertex'; index: number } | { kind: 'center' } | { kind: 'radius' };

export type ToolState =
  | { mode: 'idle' }
  | { mode: 'pointing'; handle: Handle | null; startX: number; startY: number; at: LatLon }
  | { mode: 'dragging'; handle: Handle; from: LatLon };

export type ToolEvent =
  | { type: 'down'; handle: Handle | null; x: number; y: number; at: LatLon }
  | { type: 'move'; x: number; y: number; at: LatLon }
  | { type: 'up'; x: number; y: number; at: LatLon }
  | { type: 'cancel' };

export type ToolEffect =
  | { type: 'add'; at: LatLon }
  | { type: 'select'; handle: Handle }
  | { type: 'drag'; handle: Handle; at: LatLon }
  | { type: 'commit'; handle: Handle }
  | { type: 'rollback'; handle: Handle; at: LatLon };

/** Pixels the pointer may wander before a press becomes a drag (or a pan of the map). */
export const DRAG_THRESHOLD_PX = 4;

export const IDLE: ToolState = { mode: 'idle' };

export function step(state: ToolState, ev: ToolEvent): [ToolState, ToolEffect[]] {
  if (ev.type === 'cancel') {
    if (state.mode === 'dragging')
      return [IDLE, [{ type: 'rollback', handle: state.handle, at: state.from }]];
    return [IDLE, []];
  }
  switch (state.mode) {
    case 'idle':
      if (ev.type === 'down')
        return [{ mode: 'pointing', handle: ev.handle, startX: ev.x, startY: ev.y, at: ev.at }, []];
      return [state, []];
    case 'pointing': {
      if (ev.type === 'down')
        return [{ mode: 'pointing', handle: ev.handle, startX: ev.x, startY: ev.y, at: ev.at }, []];
      const moved = Math.hypot(ev.x - state.startX, ev.y - state.startY) > DRAG_THRESHOLD_PX;
      if (ev.type === 'move') {
        if (!moved) return [state, []];
        // Moving off empty map is a pan: the map handles it, the tool lets go.
        if (!state.handle) return [IDLE, []];
        return [
          { mode: 'dragging', handle: state.handle, from: state.at },
          [{ type: 'drag', handle: state.handle, at: ev.at }],
        ];
      }
      // up
      if (state.handle) return [IDLE, [{ type: 'select', handle: state.handle }]];
      return [IDLE, moved ? [] : [{ type: 'add', at: state.at }]];
    }
    case 'dragging':
      if (ev.type === 'move') return [state, [{ type: 'drag', handle: state.handle, at: ev.at }]];
      if (ev.type === 'up')
        return [
          IDLE,
          [
            { type: 'drag', handle: state.handle, at: ev.at },
            { type: 'commit', handle: state.handle },
          ],
        ];
      return [state, []];
  }
}

/** Whether the map should stop panning: a handle is held. */
export function capturesPointer(state: ToolState): boolean {
  return (state.mode === 'pointing' && state.handle !== null) || state.mode === 'dragging';
}
