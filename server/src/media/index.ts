export { type MediaInfo, MediaLibrary } from './library.ts';
export { LocalMediaStore } from './local-store.ts';
export { DEFAULT_MEDIA_CONFIG, type MediaConfig, openMediaStore, parseMediaUrl } from './open.ts';
/** The S3 store itself is loaded by `openMediaStore` only when configured (it brings the AWS SDK). */
export type { S3MediaOptions } from './s3-store.ts';
export {
  type MediaObjectInfo,
  type MediaRange,
  type MediaRead,
  type MediaStore,
  MediaStoreError,
  sha256Of,
} from './store.ts';
