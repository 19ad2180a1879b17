/**
 * @aerie/gcs-bridge: links, MAVLink codec and signing, protocol state machines, per-vehicle
 * state, and the Bridge that ties them together.
 */
export * from './result.ts';
export * from './codec/index.ts';
export * from './link/index.ts';
export * from './protocols/index.ts';
export * from './channel/events.ts';
export * from './autopilot/flavour.ts';
export * from './vehicle/state.ts';
export { Vehicle, type ActionResult, type ArmOptions } from './vehicle/vehicle.ts';
export { Bridge, type BridgeConnection, type BridgeEvents, type BridgeOptions, type VehicleSnapshot } from './bridge.ts';
export { openBridge, bridgeConnection, type LinkConfig, type OpenBridgeOptions, type RunningBridge } from './open-bridge.ts';
export { runFieldTest, type FieldTestOptions, type FieldTestSummary } from './field-test.ts';
