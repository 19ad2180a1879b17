/** The Aerie command server: public surface of `@aerie/server`. */
export { type AerieHandle, type BuildOptions, build } from './app.ts';
export {
  decide,
  PERMISSION_MATRIX,
  PERMISSIONS,
  type Permission,
  ROLES,
  type Role,
  type RouteAccess,
  type Scope,
} from './auth/permissions.ts';
export { SESSION_COOKIE } from './auth/plugin.ts';
export { type AuthUser, findSessionUser } from './auth/sessions.ts';
export { hashToken, newToken } from './auth/tokens.ts';
export { type AdminBootstrap, FIRST_ADMIN_USERNAME } from './bootstrap-admin.ts';
export {
  type AddressResult,
  type BridgeAddress,
  dockAddress,
  type MissionLists,
  sendVehicleCommand,
  uploadMission,
  vehicleAddress,
} from './channel/bridge-requests.ts';
export type { BridgeHub, BridgeRequestOptions } from './channel/contracts.ts';
export type { LoadWindow } from './cluster/node-load.ts';
export {
  configFromEnv,
  LOG_LEVELS,
  parseServerConfig,
  type ServerConfig,
  type ServerConfigInput,
  ServerConfigSchema,
} from './config.ts';
export type { AppContext } from './context.ts';
export {
  type Database,
  type Db,
  type Dialect,
  dialectOf,
  openDatabase,
  SQLITE_FILE,
  transaction,
} from './db/client.ts';
export * as schema from './db/schema.ts';
export { type Detection, DetectionLoop, type DetectionStats } from './detection/index.ts';
export { type AttachedTlog, FlightLog, type FlightLogOptions } from './flightlog/flight-log.ts';
export { DEFAULT_STATS_TIME_ZONE } from './flightlog/stats.ts';
export { ApiError, ERROR_CODES, type ErrorCode } from './http/errors.ts';
export type { ConsoleFanout, ConsoleFanoutOptions } from './live/console-fanout.ts';
export {
  createDockCommander,
  type DockCommander,
  type DockCommandOptions,
  type DockCommandOutcome,
  type DockCommandUndelivered,
} from './live/dock-commands.ts';
export {
  type DockChangeListener,
  type DockStatusSource,
  type LiveDock,
  LiveDockStore,
} from './live/dock-store.ts';
export {
  type LiveEntry,
  type LiveStateListener,
  LiveStateStore,
  type VehicleLiveState,
} from './live/live-state-store.ts';
export { DepartmentDirectory, maySee, type Viewer } from './live/visibility.ts';
export { cachedDefaultBasemap } from './maps/default-basemap.ts';
export {
  LocalMediaStore,
  type MediaConfig,
  type MediaInfo,
  MediaLibrary,
  type MediaStore,
  MediaStoreError,
  openMediaStore,
} from './media/index.ts';
export {
  type DockPort,
  type LaunchRequest,
  type LaunchResult,
  Orchestrator,
  type Patrol,
  type PatrolOptions,
  SchedulerLoop,
  type SortieProgress,
  type VehiclePort,
} from './patrol/index.ts';
export { findBridgeByToken } from './routes/bridges.ts';
export { trackPageJsonQuery, trackWindow } from './routes/track-json.ts';
export { type RunningServer, startServer } from './server.ts';
export * from './video/index.ts';
