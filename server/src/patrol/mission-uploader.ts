/**
 * Mission upload from the server: 'mission.upload' to the vehicle's bridge on the `/bridge`
 * namespace (the same newest live socket the BridgeChannel sends commands to), with the
 * bridge's 'mission.upload_progress' events handed to a listener. The bridge channel owns the
 * namespace; this only adds an emit and a listener per socket.
 */

import {
  BRIDGE_NAMESPACE,
  type BridgeToServerEvents,
  type MissionUploadProgress,
  type MissionUploadReply,
  type ServerToBridgeEvents,
} from '@aerie/gcs-bridge';
import type { MissionItemInt } from '@aerie/missions';
import { eq } from 'drizzle-orm';
import type { Namespace, Server, Socket } from 'socket.io';
import type { Db } from '../db/client.ts';
import { vehicles } from '../db/schema.ts';

type BridgeSocket = Socket<
  BridgeToServerEvents,
  ServerToBridgeEvents,
  Record<string, never>,
  { bridge?: { id: string } }
>;

export interface MissionLists {
  mission: MissionItemInt[];
  fence?: MissionItemInt[];
  rally?: MissionItemInt[];
}

/** Uploads lists to a vehicle; resolves with the bridge's coded reply (never throws). */
export type MissionUploader = (
  vehicleId: string,
  lists: MissionLists,
  options: { requestId: string; timeoutMs?: number },
) => Promise<MissionUploadReply>;

const failure = (code: string, message: string): MissionUploadReply => ({
  ok: false,
  error: { code, message },
});

/** The uploader on `io`'s `/bridge` namespace; `onProgress` sees every progress event. */
export function createMissionUploader(
  io: Server,
  db: Db,
  onProgress?: (vehicleId: string | null, p: MissionUploadProgress) => void,
): MissionUploader {
  const ns = io.of(BRIDGE_NAMESPACE) as unknown as Namespace<BridgeToServerEvents, ServerToBridgeEvents>;
  const pending = new Map<string, string>();
  ns.on('connection', (socket) => {
    socket.on('mission.upload_progress', (p) => {
      if (typeof p !== 'object' || p === null) return;
      onProgress?.(pending.get(String(p.requestId)) ?? null, p);
    });
  });

  return async (vehicleId, lists, options) => {
    const [v] = await db
      .select({ bridgeId: vehicles.bridgeId, sysid: vehicles.sysid })
      .from(vehicles)
      .where(eq(vehicles.id, vehicleId));
    if (!v) return failure('UnknownVehicle', `no vehicle with id ${vehicleId}`);
    if (v.bridgeId === null || v.sysid === null)
      return failure('NotBound', `vehicle ${vehicleId} is not bound to a bridge and system id`);
    let socket: BridgeSocket | undefined;
    for (const s of ns.sockets.values() as IterableIterator<BridgeSocket>) {
      if (s.data.bridge?.id === v.bridgeId && s.connected) socket = s;
    }
    if (!socket) return failure('BridgeOffline', `the bridge of vehicle ${vehicleId} is not connected`);
    const timeoutMs = options.timeoutMs ?? 60_000;
    pending.set(options.requestId, vehicleId);
    try {
      return await socket
        .timeout(timeoutMs)
        .emitWithAck('mission.upload', { requestId: options.requestId, sysid: v.sysid, ...lists })
        .catch(() => failure('Timeout', `no answer from the bridge within ${timeoutMs} ms`));
    } finally {
      pending.delete(options.requestId);
    }
  };
}
