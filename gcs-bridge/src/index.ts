/**
 * @aerie/gcs-bridge: links, MAVLink codec and signing, protocol state machines, per-vehicle
 * state, and the Bridge that ties them together.
 */
export * from './result.ts';
export * from './codec/types.ts';
export { MavlinkConnection, type ConnectionOptions, type ConnectionStats, type PacketInfo } from './codec/connection.ts';
export { registerDialect, REGISTRY } from './codec/registry.ts';
export {
  signingKeyFromHex,
  signingKeyFromPassphrase,
  SigningKey,
  type SigningConfig,
} from './codec/signing.ts';
export { TlogRecorder } from './codec/tlog-recorder.ts';
export { attachRouter, RoutingTable, type AttachedRouter } from './codec/router.ts';
export type { Link, LinkStatus } from './link/link.ts';
export { createLink } from './link/create-link.ts';
export { parseLinkUri, formatLinkUri, type LinkSpec } from './link/uri.ts';
export { readTlog, type TlogRecord } from './link/tlog.ts';
export * from './autopilot/flavour.ts';
export * from './vehicle/state.ts';
export { Vehicle, type ActionResult, type ArmOptions } from './vehicle/vehicle.ts';
export { Bridge, type BridgeConnection, type BridgeEvents, type BridgeOptions, type VehicleSnapshot } from './bridge.ts';
export { openBridge, bridgeConnection, type LinkConfig, type OpenBridgeOptions, type RunningBridge } from './open-bridge.ts';
export { runFieldTest, type FieldTestOptions, type FieldTestSummary } from './field-test.ts';
