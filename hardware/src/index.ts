/**
 * @aerie/hardware: device simulators that speak what the real devices speak.
 *
 * The simulated fleet: vehicles that answer like PX4 SITL (or ArduCopter) on MAVLink over
 * UDP or serial, with simple flight physics, a shared scheduler, a `speedup` and faults; and
 * docks that speak the Aerie dock dialect on their aircraft's link.
 */

/** The simulated camera (scene, rendering, Motion-JPEG over HTTP). */
export * from './camera/index.ts';
/** The dock dialect (hardware/dialects/aerie_dock.xml) as node-mavlink classes, and its state names. */
export * as aerieDock from './dialect/index.ts';
export {
  DOCK_COMPID,
  DOCK_SYSID_OFFSET,
  type DockFaults,
  type DockOptions,
  type DockWeather,
  dockSysidFor,
  SimDock,
  type SimDockStatus,
  startDock,
} from './dock-sim/dock.ts';
export { MAVLINK_REGISTRY } from './sim/codec.ts';
export type { Behaviour, Flavour } from './sim/flavour.ts';
export { modeName } from './sim/flavour.ts';
export {
  DEFAULT_BASE_PORT,
  DEFAULT_GCS,
  DEFAULT_HOME,
  type Fleet,
  type FleetOptions,
  fleetPosition,
  type GeoPoint,
  startFleet,
  startVehicle,
  type VehicleOptions,
} from './sim/fleet.ts';
export {
  type AttitudeDeg,
  type GimbalSetpoint,
  quaternionFromDeg,
  SimGimbal,
} from './sim/gimbal.ts';
export { DEFAULT_RATES, type StreamRates } from './sim/telemetry.ts';
export {
  type ActiveFaults,
  LandedState,
  MavResult,
  MissionState,
  type SimFaults,
  SimVehicle,
} from './sim/vehicle.ts';
