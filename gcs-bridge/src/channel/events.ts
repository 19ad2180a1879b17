/**
 * The bridge channel's event map and payloads live in `@aerie/contracts` (`channel.ts`), shared
 * with the server; re-exported here so the bridge's own modules and its users keep one import.
 */
export {
  BRIDGE_NAMESPACE,
  type BridgeHello,
  type BridgeToServerEvents,
  ChannelItem,
  type CommandReply,
  type CommandRequest,
  type DockCharger,
  type DockCommand,
  type DockCommandRequest,
  DockEventPayload,
  type DockFaultCode,
  type DockLid,
  type DockState,
  DockStatusPayload,
  type HelloAck,
  type ItemRejection,
  type ItemsAck,
  type MissionItemWire,
  type MissionUploadProgress,
  type MissionUploadReply,
  type MissionUploadRequest,
  type ServerToBridgeEvents,
  type TlogChunk,
  type TlogChunkReply,
  type VehicleCommand,
  VehicleEventPayload,
  VehicleStatePayload,
} from '@aerie/contracts';
