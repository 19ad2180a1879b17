/** Live video: the per-vehicle stream hub, its wire format, and the ingest pieces. */

export { frameMetaOfImage, intrinsicsOf } from './camera-announcements.ts';
export { FLV_OUT, FlvToFmp4, flvOut } from './flv-fmp4.ts';
export { accessUnitOf, codecOfInit, isKeyFragment, mdatPayload, parameterSetsOfInit } from './h264.ts';
export {
  StreamHub,
  type StreamHubOptions,
  type StreamUnit,
  type ViewerSink,
  type ViewerStats,
} from './hub.ts';
export {
  backoffMs,
  Ingest,
  type IngestOptions,
  type SignalState,
  type VideoSource,
} from './ingest.ts';
export { type Mp4Pieces, Mp4Splitter } from './mp4-boxes.ts';
export { SUB_GOP_S, subRenditionArgs } from './rendition.ts';
export { registerVideoRoutes, VIDEO_WS_PREFIX } from './routes.ts';
export {
  DEFAULT_VIDEO_CONFIG,
  parseSourceUrl,
  type StreamStatus,
  type VideoConfig,
  VideoService,
  VideoStream,
} from './video-service.ts';
export {
  type OfferedVideo,
  offeredVideo,
  openWhepSession,
  type WhepOptions,
  type WhepSession,
  whepRtcpReceived,
} from './whep.ts';
export { encodeUnit, UNIT_HEADER_BYTES, type UnitKind } from './wire.ts';
