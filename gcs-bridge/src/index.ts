/**
 * @aerie/gcs-bridge: links, MAVLink codec and signing, protocol state machines, per-vehicle
 * state, and the Bridge that ties them together.
 */

export * from './autopilot/flavour.ts';
export {
  Bridge,
  type BridgeConnection,
  type BridgeEvents,
  type BridgeOptions,
  type VehicleSnapshot,
} from './bridge.ts';
export {
  BridgeChannelClient,
  type BridgeChannelClientEvents,
  type BridgeChannelClientOptions,
  type ChannelBridge,
  type ChannelLogger,
} from './channel/client.ts';
export {
  type CommandableVehicle,
  checkCommandRequest,
  checkDockCommandRequest,
  type DockDirectory,
  runDockCommand,
  runVehicleCommand,
  type VehicleDirectory,
} from './channel/command-runner.ts';
export * from './channel/events.ts';
export {
  type ChannelItemInput,
  ChannelOutbox,
  type OutboxOptions,
  type OutboxStats,
} from './channel/outbox.ts';
export {
  DEFAULT_SORTIE_TLOG_MAX_BYTES,
  outboundConcerns,
  type RecordableConnection,
  SortieRecorder,
  type SortieRecorderOptions,
  type SortieTlog,
} from './channel/sortie-recorder.ts';
export {
  DEFAULT_TLOG_CHUNK_BYTES,
  FINAL_TLOG_ERRORS,
  type TlogUpload,
  TlogUploadQueue,
  type TlogUploadQueueOptions,
  tlogChunks,
} from './channel/tlog-upload.ts';
export * from './codec/index.ts';
export {
  AERIE_DOCK_STATUS_ID,
  Dock,
  type DockActionResult,
  DockCmd,
  dockCommandSpec,
  faultsFromFlags,
  statusFromMessage,
} from './dock/dock.ts';
export {
  type DockCycle,
  type DockEffect,
  type DockMachineEvent,
  type DockMachineState,
  type DockReport,
  dockFaultMessage,
  dockStep,
  initialDockState,
  stateFromReport,
} from './dock/machine.ts';
export { type FieldTestOptions, type FieldTestSummary, runFieldTest } from './field-test.ts';
export * from './link/index.ts';
export {
  bridgeConnection,
  type LinkConfig,
  type OpenBridgeOptions,
  openBridge,
  type RunningBridge,
} from './open-bridge.ts';
export * from './protocols/index.ts';
export * from './result.ts';
export * from './vehicle/state.ts';
export { type ActionResult, type ArmOptions, Vehicle } from './vehicle/vehicle.ts';
