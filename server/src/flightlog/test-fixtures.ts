/** Test helpers: a vehicle snapshot as the bridge sends it, and a straight scripted flight. */
import { sampleVehicleState } from '@aerie/contracts';

/** A disarmed PX4 quadrotor on the ground; `over` sets what a test cares about. */
export const snapshot = sampleVehicleState;

/** Metres of latitude per degree on the mean sphere (the tracker's haversine radius). */
export const M_PER_DEG_LAT = (6_371_008.8 * Math.PI) / 180;
