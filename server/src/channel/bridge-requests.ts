/**
 * Addressing requests to bridges: a vehicle or a dock is reached through the bridge and system
 * id it is bound to, then asked through the hub's one `request`. Pure of sockets: the hub
 * carries the request, the database says where things are.
 */
import type { CommandReply, MissionUploadReply, VehicleCommand } from '@aerie/contracts';
import type { MissionItemInt } from '@aerie/missions';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { docks, vehicles } from '../db/schema.ts';
import type { BridgeHub, BridgeRequestOptions } from './contracts.ts';

/** Where a vehicle or dock is reached: its bridge and its MAVLink system id there. */
export interface BridgeAddress {
  bridgeId: string;
  sysid: number;
}

export type AddressResult =
  | { ok: true; value: BridgeAddress }
  | { ok: false; error: { code: 'UnknownVehicle' | 'UnknownDock' | 'NotBound'; message: string } };

function address(
  what: 'vehicle' | 'dock',
  id: string,
  row: { bridgeId: string | null; sysid: number | null } | undefined,
): AddressResult {
  if (!row)
    return {
      ok: false,
      error: {
        code: what === 'vehicle' ? 'UnknownVehicle' : 'UnknownDock',
        message: `no ${what} with id ${id}`,
      },
    };
  if (row.bridgeId === null || row.sysid === null)
    return {
      ok: false,
      error: { code: 'NotBound', message: `${what} ${id} is not bound to a bridge and system id` },
    };
  return { ok: true, value: { bridgeId: row.bridgeId, sysid: row.sysid } };
}

/** The bridge and system id a vehicle is bound to. */
export async function vehicleAddress(db: Db, vehicleId: string): Promise<AddressResult> {
  const t = vehicles;
  const [row] = await db.select({ bridgeId: t.bridgeId, sysid: t.sysid }).from(t).where(eq(t.id, vehicleId));
  return address('vehicle', vehicleId, row);
}

/** The bridge and system id a dock controller is bound to. */
export async function dockAddress(db: Db, dockId: string): Promise<AddressResult> {
  const t = docks;
  const [row] = await db.select({ bridgeId: t.bridgeId, sysid: t.sysid }).from(t).where(eq(t.id, dockId));
  return address('dock', dockId, row);
}

/** Runs a command on a vehicle through its bridge: the vehicle's coded answer, or why there was none. */
export async function sendVehicleCommand(
  hub: BridgeHub,
  db: Db,
  vehicleId: string,
  command: VehicleCommand,
  options: { requestId: string; timeoutMs?: number },
): Promise<CommandReply> {
  const at = await vehicleAddress(db, vehicleId);
  if (!at.ok) return at;
  return hub.request(
    at.value.bridgeId,
    'vehicle.command',
    { requestId: options.requestId, sysid: at.value.sysid, command },
    options.timeoutMs ? { timeoutMs: options.timeoutMs } : {},
  );
}

/** The lists to store on a vehicle before a sortie (fence and rally optional). */
export interface MissionLists {
  mission: MissionItemInt[];
  fence?: MissionItemInt[];
  rally?: MissionItemInt[];
}

/** Default wait for a whole upload (mission, fence and rally, with the protocol's retries). */
export const MISSION_UPLOAD_TIMEOUT_MS = 60_000;

/** Stores lists on a vehicle through its bridge; progress goes to `options.onProgress`. */
export async function uploadMission(
  hub: BridgeHub,
  db: Db,
  vehicleId: string,
  lists: MissionLists,
  options: { requestId: string } & BridgeRequestOptions<'mission.upload'>,
): Promise<MissionUploadReply> {
  const at = await vehicleAddress(db, vehicleId);
  if (!at.ok) return at;
  const { requestId, timeoutMs, onProgress } = options;
  return hub.request(
    at.value.bridgeId,
    'mission.upload',
    { requestId, sysid: at.value.sysid, ...lists },
    { timeoutMs: timeoutMs ?? MISSION_UPLOAD_TIMEOUT_MS, ...(onProgress ? { onProgress } : {}) },
  );
}
