/**
 * Several server nodes on one database (issue 17). With `cluster.redisUrl` (AERIE_REDIS_URL) a
 * node opens three Redis connections: the Socket.IO Redis adapter's publisher and subscriber
 * (console rooms across nodes; the cluster bus, `bus.ts`, publishes and listens on them too) and one for commands (login
 * limits, @fastify/rate-limit's store, the readiness check). Work only one node may do is
 * decided by leases in the database (`leases.ts`). Without Redis nothing here opens a
 * connection: one node owns everything, as before.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { ServerOptions } from 'socket.io';
import type { ServerConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import { type ClusterBus, redisBus } from './bus.ts';
import { Leases, type Ownership, soleOwnership } from './leases.ts';

export { type BridgeRelay, relayBridgeRequests } from './bridge-relay.ts';
export { type ClusterBus, memoryBusNetwork, redisBus } from './bus.ts';
export { Leases, type Ownership, soleOwnership } from './leases.ts';
export { type LiveReplica, localView, replicateLive } from './live-replica.ts';
export { type LoadWindow, type NodeLoad, startNodeLoad } from './node-load.ts';
export {
  type AbortElsewhere,
  relaySortieAborts,
  type SortieAbortCode,
  type SortieAborter,
} from './sortie-relay.ts';

export interface Cluster {
  readonly nodeId: string;
  readonly clustered: boolean;
  readonly ownership: Ownership;
  /** The command connection (null on a single node). */
  readonly redis: Redis | null;
  /** Socket.IO options that put the Redis adapter in (empty on a single node). */
  readonly ioOptions: Partial<ServerOptions>;
  /**
   * The bus between the nodes over the adapter's connections (`bus.ts`), null on a single
   * node; `onError` hears of undecodable messages and failed publishes. Call once.
   */
  openBus(onError: (error: Error) => void): ClusterBus | null;
  /** Redis answers PING (null when there is no Redis). */
  ping(): Promise<boolean | null>;
  close(): Promise<void>;
}

/** A node id unique on this network: host, process and a random suffix. */
export function defaultNodeId(): string {
  return `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The URL without a password, for messages. */
function shown(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Connects to Redis when configured (failing start-up with a message naming the URL when it
 * does not answer within `connectTimeoutMs`) and sets up the leases.
 */
export async function openCluster(
  config: ServerConfig['cluster'],
  db: Db,
  now: () => number,
  opts: { connectTimeoutMs?: number } = {},
): Promise<Cluster> {
  const url = config.redisUrl;
  if (!url) {
    const nodeId = config.nodeId ?? 'embedded';
    return {
      nodeId,
      clustered: false,
      ownership: soleOwnership(nodeId),
      redis: null,
      ioOptions: {},
      openBus: () => null,
      ping: async () => null,
      close: async () => {},
    };
  }
  const nodeId = config.nodeId ?? defaultNodeId();
  const connectTimeout = opts.connectTimeoutMs ?? 5000;
  const make = (name: string) =>
    new Redis(url, { connectionName: `aerie-${name}-${nodeId}`, connectTimeout, maxRetriesPerRequest: 3 });
  const redis = make('commands');
  const pub = make('pub');
  const sub = make('sub');
  const all = [redis, pub, sub];
  // ioredis logs unhandled 'error' events; the readiness check and the commands report instead.
  for (const c of all) c.on('error', () => {});
  const quit = async () => {
    await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
  };
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), connectTimeout).unref()),
    ]);
  } catch (err) {
    for (const c of all) c.disconnect();
    throw new Error(`Redis at ${shown(url)} (AERIE_REDIS_URL) is not reachable: ${(err as Error).message}`);
  }
  return {
    nodeId,
    clustered: true,
    ownership: new Leases({ db, nodeId, ttlMs: config.leaseTtlS * 1000, now }),
    redis,
    ioOptions: { adapter: createAdapter(pub, sub) },
    openBus: (onError) => redisBus(pub, sub, nodeId, onError),
    async ping() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    close: quit,
  };
}
