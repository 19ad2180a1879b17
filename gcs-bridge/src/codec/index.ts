/** Codec layer: MAVLink framing, connections, signing, routing, tlog recording. */
export {
  type ConnectionOptions,
  type ConnectionStats,
  MavlinkConnection,
  type PacketInfo,
} from './connection.ts';
export { mavlinkCrc } from './crc.ts';
export {
  type DecoderCounters,
  encodeFrame,
  type FrameHandler,
  type FrameIds,
  MavlinkDecoder,
} from './frame.ts';
export { crcExtraOf, type MessageEntry, messageEntry, REGISTRY, registerDialect } from './registry.ts';
export { type AttachedRouter, attachRouter, type RoutablePacket, RoutingTable } from './router.ts';
export {
  type NormalizedSigning,
  normalizeSigning,
  Signer,
  type SigningConfig,
  SigningKey,
  signingKeyFromHex,
  signingKeyFromPassphrase,
  signingNow,
  Verifier,
  type VerifyResult,
} from './signing.ts';
export { nowUs, TlogRecorder } from './tlog-recorder.ts';
export { GCS_COMPID, GCS_SYSID, type Inbound, type MessagePort } from './types.ts';
