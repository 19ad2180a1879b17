/** The dock commands the console offers, and which of them a role may send. */
import { DOCK_FLIGHT_ACTIONS } from '@aerie/contracts';

export const DOCK_ACTIONS = [
  'open_lid',
  'close_lid',
  'start_charging',
  'stop_charging',
  'prepare_takeoff',
] as const;
export type DockAction = (typeof DOCK_ACTIONS)[number];

/** The buttons a role sees: every command with 'docks.command', a flight's with 'docks.prepare'. */
export function dockActionsFor(can: { command: boolean; prepare: boolean }): DockAction[] {
  if (can.command) return [...DOCK_ACTIONS];
  if (!can.prepare) return [];
  return DOCK_ACTIONS.filter((a) => (DOCK_FLIGHT_ACTIONS as readonly string[]).includes(a));
}
