/**
 * What a dock reports, by name: the aerie_dock dialect's state enums in lower case, indexed by
 * wire value (AERIE_DOCK_LID_STATE 3 is 'open'). The bridge and the dock simulator both name
 * the states this way, so the names are derived here from the generated enums, not typed again.
 */
import { AerieDockChargerState, AerieDockCycleState, AerieDockLidState } from './aerie-dock.ts';

type LowerNames<E> = Lowercase<Extract<keyof E, string>>;

function lowerNames<E extends Record<string, string | number>>(e: E): readonly LowerNames<E>[] {
  const names: LowerNames<E>[] = [];
  for (const [key, value] of Object.entries(e)) {
    if (typeof value === 'number') names[value] = key.toLowerCase() as LowerNames<E>;
  }
  return names;
}

/** AERIE_DOCK_LID_STATE by value: 'unknown', 'closed', 'opening', 'open', 'closing', 'jammed'. */
export const DOCK_LID_NAMES = lowerNames(AerieDockLidState);
export type DockLidName = LowerNames<typeof AerieDockLidState>;

/** AERIE_DOCK_CHARGER_STATE by value: 'unknown', 'idle', 'charging', 'full', 'fault'. */
export const DOCK_CHARGER_NAMES = lowerNames(AerieDockChargerState);
export type DockChargerName = LowerNames<typeof AerieDockChargerState>;

/** AERIE_DOCK_CYCLE_STATE by value: 'idle', 'preparing_takeoff', ... 'ready_for_landing', 'fault'. */
export const DOCK_CYCLE_NAMES = lowerNames(AerieDockCycleState);
export type DockCycleName = LowerNames<typeof AerieDockCycleState>;
