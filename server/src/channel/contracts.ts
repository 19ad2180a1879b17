/**
 * The seams between the server's bridge channel, its flight log and its live fan-out. Each
 * side is built and tested on its own; `app.ts` wires them together.
 */
import type {
  CommandReply,
  DockCommand,
  VehicleCommand,
  VehicleEventPayload,
  VehicleStatePayload,
} from '@aerie/contracts';
import type { Db } from '../db/client.ts';

/** Sends commands to vehicles through whichever bridge holds them. */
export interface BridgeHub {
  /**
   * Asks the vehicle's bridge to run a command and resolves with the vehicle's coded answer;
   * `{ ok: false, error: { code: 'BridgeOffline' | 'NotBound' | 'Timeout', ... } }` when it
   * cannot be delivered or answered in time.
   */
  sendCommand(
    vehicleId: string,
    command: VehicleCommand,
    options: { requestId: string; timeoutMs?: number },
  ): Promise<CommandReply>;
  /** Bridge ids with a live connection now. */
  connectedBridgeIds(): string[];
  /**
   * Asks the dock's bridge to run a dock command; the dock's coded answer, or `UnknownDock`,
   * `NotBound`, `BridgeOffline`, `Timeout`. Optional so hubs that only fly vehicles (test
   * fakes) still fit; the BridgeChannel has it.
   */
  sendDockCommand?(
    dockId: string,
    command: DockCommand,
    options: { requestId: string; timeoutMs?: number },
  ): Promise<CommandReply>;
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
}
