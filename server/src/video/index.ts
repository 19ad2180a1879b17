/** Live video: the per-vehicle stream hub, its wire format, and the ingest pieces. */
export {
  StreamHub,
  type StreamHubOptions,
  type StreamUnit,
  type ViewerSink,
  type ViewerStats,
} from './hub.ts';
export { type Mp4Pieces, Mp4Splitter } from './mp4-boxes.ts';
export { encodeUnit, UNIT_HEADER_BYTES, type UnitKind } from './wire.ts';
