/**
 * Did the vehicle finish the mission it was given? A pure fold over the vehicle's events, no I/O.
 *
 * PX4 v1.16 does not say "complete" in one reliable place, so every signal it really sends counts:
 *  - MISSION_CURRENT.mission_state = 5 (complete) for a mission of the uploaded length;
 *  - MISSION_CURRENT.seq equal to the item count (the index moved past the last item);
 *  - the status text "Mission finished, landed" / "Mission finished, loitering";
 *  - MISSION_ITEM_REACHED for the last item;
 *  - a final RTL or LAND item that became current and was flown to the ground: PX4 carries out a
 *    final RTL item by switching to AUTO.RTL and never reports it reached (a 15-item plan ending in
 *    RTL reported 14 items reached), so "current, then landed" is the evidence for that item.
 * MISSION_ITEM_REACHED is sent about ten times per item and may skip numbers, so items below the
 * current index count as passed even when their "reached" was never heard.
 *
 * Evidence only counts once the mission has run (mission mode or an active mission state was seen),
 * so a stale "complete" left from the previous flight is not taken for this one.
 */
import type { VehicleEvent } from './state.ts';

/** MAV_CMD values that end a flight on the ground. */
const NAV_LAND = 21;
const NAV_RETURN_TO_LAUNCH = 20;
const NAV_VTOL_LAND = 85;

export type CompletionEvidence =
  | 'mission_state_complete'
  | 'current_past_end'
  | 'finished_text'
  | 'final_item_reached'
  | 'final_item_flown_to_ground';

export interface MissionCompletion {
  itemsTotal: number;
  /** MAV_CMD of the last item (20 RTL, 21 LAND, ...), null when unknown. */
  finalCommand: number | null;
  /** The mission has been seen running (mission mode, or MISSION_CURRENT active). */
  started: boolean;
  /** Distinct items the vehicle reported with MISSION_ITEM_REACHED. */
  reported: Set<number>;
  /** Highest MISSION_CURRENT.seq seen while the mission ran (-1 before). */
  highestCurrent: number;
  /** The last item was current while the mission ran. */
  finalItemCurrent: boolean;
  evidence: CompletionEvidence[];
}

export function createMissionCompletion(itemsTotal: number, finalCommand: number | null): MissionCompletion {
  return {
    itemsTotal,
    finalCommand,
    started: false,
    reported: new Set(),
    highestCurrent: -1,
    finalItemCurrent: false,
    evidence: [],
  };
}

const FINISHED_TEXT = /\bmission finished\b/i;

function note(c: MissionCompletion, e: CompletionEvidence): void {
  if (!c.evidence.includes(e)) c.evidence.push(e);
}

/** Folds one vehicle event into the completion record (in place) and returns it. */
export function stepMissionCompletion(c: MissionCompletion, e: VehicleEvent): MissionCompletion {
  const last = c.itemsTotal - 1;
  switch (e.type) {
    case 'mode_changed':
      if (e.kind === 'mission') c.started = true;
      return c;
    case 'mission_current_changed': {
      if (e.state === 'active') c.started = true;
      // A MISSION_CURRENT for another mission (a different length) says nothing about ours.
      if (e.total !== 0 && e.total !== c.itemsTotal) return c;
      if (!c.started) return c;
      c.highestCurrent = Math.max(c.highestCurrent, e.seq);
      if (e.seq === last) c.finalItemCurrent = true;
      if (e.state === 'complete') note(c, 'mission_state_complete');
      if (c.itemsTotal > 0 && e.seq >= c.itemsTotal) note(c, 'current_past_end');
      return c;
    }
    case 'mission_item_reached':
      if (e.seq < 0 || e.seq > last) return c;
      c.reported.add(e.seq);
      if (e.seq === last) note(c, 'final_item_reached');
      return c;
    case 'status_text':
      if (c.started && FINISHED_TEXT.test(e.text)) note(c, 'finished_text');
      return c;
    case 'landing':
    case 'disarmed':
      if (c.started && c.finalItemCurrent && endsOnGround(c.finalCommand))
        note(c, 'final_item_flown_to_ground');
      return c;
    default:
      return c;
  }
}

function endsOnGround(cmd: number | null): boolean {
  return cmd === NAV_RETURN_TO_LAUNCH || cmd === NAV_LAND || cmd === NAV_VTOL_LAND;
}

export interface CompletionSummary {
  complete: boolean;
  evidence: CompletionEvidence[];
  /** Items reached: reported, passed (below the highest current index), or all of them once complete. */
  itemsReached: number;
  /** Items the vehicle itself reported with MISSION_ITEM_REACHED. */
  itemsReported: number;
}

export function summarizeCompletion(c: MissionCompletion): CompletionSummary {
  const complete = c.evidence.length > 0;
  const reached = new Set(c.reported);
  for (let i = 0; i < Math.min(c.highestCurrent, c.itemsTotal); i++) reached.add(i);
  return {
    complete,
    evidence: [...c.evidence],
    itemsReached: complete ? c.itemsTotal : reached.size,
    itemsReported: c.reported.size,
  };
}
