/**
 * PX4's data-link-loss failsafe, as the simulator runs it. Pure: the vehicle feeds it the
 * ground station's heartbeats and its clock, and acts on what it answers.
 *
 * PX4 (v1.14-v1.16, commander failsafe): the link counts as lost once no ground-station
 * HEARTBEAT (MAV_TYPE_GCS) came for COM_DL_LOSS_T seconds, and only after one had been heard
 * (a vehicle that never had a ground station does not fail safe). In the air it then takes
 * NAV_DLL_ACT (0 disabled, 1 hold, 2 return, 3 land; 5 terminate and 6 disarm are not
 * simulated), unless the current mode is exempt in COM_DLL_EXCEPT (bit 0 mission, bit 1 hold).
 * NAV_DLL_ACT is 0 (disabled) by default, as on PX4 SITL's SIH quadcopter (airframe 10040 sets
 * no other value; some Gazebo airframes set 2): interrupted there, PX4 flies its mission on. When
 * the ground station is heard again PX4 stays in the failsafe mode.
 *
 * Times are whatever clock the caller passes; the vehicle passes real time (see SimVehicle).
 */
import type { Behaviour } from './flavour.ts';

/** MAV_TYPE_GCS: the heartbeat of a ground station. */
export const MAV_TYPE_GCS = 6;

export interface GcsLink {
  /** Simulated time of the last ground-station heartbeat, null until the first. */
  heardAtMs: number | null;
  lost: boolean;
}

export const initialGcsLink = (): GcsLink => ({ heardAtMs: null, lost: false });

export type GcsLinkChange = 'lost' | 'regained' | null;

/** A ground-station heartbeat at `nowMs`. */
export function gcsHeard(link: GcsLink, nowMs: number): [GcsLink, GcsLinkChange] {
  return [{ heardAtMs: nowMs, lost: false }, link.lost ? 'regained' : null];
}

/** The link at `nowMs`: lost once silent for `timeoutS` after a ground station was heard. */
export function gcsCheck(link: GcsLink, nowMs: number, timeoutS: number): [GcsLink, GcsLinkChange] {
  if (link.lost || link.heardAtMs === null || nowMs - link.heardAtMs <= timeoutS * 1000) return [link, null];
  return [{ ...link, lost: true }, 'lost'];
}

const EXCEPT_BIT: Partial<Record<Behaviour, number>> = { mission: 1, hold: 2 };
const ACTION: Record<number, Behaviour> = { 1: 'hold', 2: 'rtl', 3: 'land' };

/**
 * The behaviour a vehicle in the air switches to when the link is lost, or null when it flies
 * on (failsafe disabled, an exempt mode, an action the simulator does not model, or already
 * doing it).
 */
export function linkLossBehaviour(
  navDllAct: number,
  exceptMask: number,
  current: Behaviour,
): Behaviour | null {
  const action = ACTION[navDllAct];
  if (!action) return null;
  const bit = EXCEPT_BIT[current];
  if (bit !== undefined && (exceptMask & bit) !== 0) return null;
  if (current === action || (action === 'rtl' && current === 'land')) return null;
  return action;
}
