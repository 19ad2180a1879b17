/** What every route module receives: the database, the checked config and shared services. */
import type { LoginLimiter } from './auth/login-limiter.ts';
import type { BridgeHub } from './channel/contracts.ts';
import type { Ownership } from './cluster/leases.ts';
import type { ServerConfig } from './config.ts';
import type { Database } from './db/client.ts';
import type { LiveStateStore } from './live/live-state-store.ts';
import type { MediaLibrary } from './media/library.ts';

export interface AppContext {
  readonly config: ServerConfig;
  readonly database: Database;
  readonly liveState: LiveStateStore;
  readonly loginLimiter: LoginLimiter;
  /** Commands to vehicles through their bridges, and which bridges are connected. */
  readonly bridgeHub: BridgeHub;
  /** The media store (local folder or S3) with the content-addressed `media` rows. */
  readonly media: MediaLibrary;
  /** Which single-node work (scheduler, webhooks, a sortie) this node does: leases in a cluster. */
  readonly ownership: Ownership;
  /** Clock (epoch ms); injectable so tests can move time. */
  readonly now: () => number;
}
