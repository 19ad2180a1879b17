export { type MediaInfo, MediaLibrary } from './library.ts';
export { LocalMediaStore } from './local-store.ts';
export { DEFAULT_MEDIA_CONFIG, type MediaConfig, openMediaStore, parseMediaUrl } from './open.ts';
export { type S3MediaOptions, S3MediaStore } from './s3-store.ts';
export {
  type MediaObjectInfo,
  type MediaRange,
  type MediaRead,
  type MediaStore,
  MediaStoreError,
  sha256Of,
} from './store.ts';
