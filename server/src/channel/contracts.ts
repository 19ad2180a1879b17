/**
 * The seams between the server's bridge channel, its flight log and its live fan-out. Each
 * side is built and tested on its own; `app.ts` wires them together.
 */
import type {
  BridgeRequestKind,
  BridgeRequests,
  VehicleEventPayload,
  VehicleStatePayload,
} from '@aerie/contracts';
import type { Db } from '../db/client.ts';

export interface BridgeRequestOptions<K extends BridgeRequestKind> {
  /** How long to wait for the bridge's answer (default: the hub's, 20 s for the channel). */
  timeoutMs?: number;
  /** Called with each progress report the bridge sends for this request (mission uploads). */
  onProgress?: (progress: BridgeRequests[K]['progress']) => void;
}

/**
 * The one way to ask a bridge something and wait for the answer: vehicle commands, dock
 * commands and mission uploads all go through `request`. Finding which bridge and system id
 * serve a vehicle or a dock is the caller's (see `bridge-requests.ts`).
 */
export interface BridgeHub {
  /**
   * Sends `payload` as `kind` to the bridge's newest live connection and resolves with the
   * bridge's coded reply, or `{ ok: false, error: { code: 'BridgeOffline' | 'Timeout', ... } }`
   * when it cannot be delivered or answered in time. Never rejects.
   */
  request<K extends BridgeRequestKind>(
    bridgeId: string,
    kind: K,
    payload: BridgeRequests[K]['request'],
    options?: BridgeRequestOptions<K>,
  ): Promise<BridgeRequests[K]['reply']>;
  /** Bridge ids with a live connection now. */
  connectedBridgeIds(): string[];
}

/**
 * What the bridge channel hands on for each stored item, inside the transaction that also
 * moves the bridge's cursor (so `db` may be a transaction handle): the flight log keeps
 * sorties, track points and events from these.
 */
export interface IngestSink {
  onState(db: Db, vehicleId: string, atMs: number, state: VehicleStatePayload): Promise<void>;
  onEvent(db: Db, vehicleId: string, atMs: number, event: VehicleEventPayload): Promise<void>;
  /**
   * Called after a batch's transaction rolled back, once per vehicle the batch touched, so a
   * sink that caches per-vehicle state can drop what was never stored.
   */
  forget?(vehicleId: string): void;
  /**
   * A batch starts: until `endBatch` the sink may hold writes back (the flight log holds track
   * points) to store them together.
   */
  beginBatch?(): void;
  /** Stores what the sink held back, through `db`, before the batch's transaction commits. */
  endBatch?(db: Db): Promise<void>;
  /** The batch's transaction rolled back: drop what was held back. */
  abortBatch?(): void;
}
