/** The dock commands the console offers, and which of them a role may send. */
import { DOCK_ACTIONS as ALL_DOCK_ACTIONS, DOCK_FLIGHT_ACTIONS } from '@aerie/contracts';

/** The buttons offered: every dock command but landing preparation, which the sortie runs. */
export const DOCK_ACTIONS = ALL_DOCK_ACTIONS.filter(
  (a): a is Exclude<(typeof ALL_DOCK_ACTIONS)[number], 'prepare_landing'> => a !== 'prepare_landing',
);
export type DockAction = (typeof DOCK_ACTIONS)[number];

/** The buttons a role sees: every command with 'docks.command', a flight's with 'docks.prepare'. */
export function dockActionsFor(can: { command: boolean; prepare: boolean }): DockAction[] {
  if (can.command) return [...DOCK_ACTIONS];
  if (!can.prepare) return [];
  return DOCK_ACTIONS.filter((a) => (DOCK_FLIGHT_ACTIONS as readonly string[]).includes(a));
}
