/** Fixtures for the dock tests. */
import type { DockState } from '../../channel/events.ts';

/**
 * The states a dock passes through on one sortie, from leaving idle to charging the returned
 * aircraft: what the machine must report, in order, for a take-off and a landing.
 */
export const SORTIE_STATES: readonly DockState[] = [
  'preparing',
  'ready',
  'aircraft_out',
  'awaiting_landing',
  'landed',
  'closing',
  'charging',
];
