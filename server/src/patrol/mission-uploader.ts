/**
 * Mission upload from the server: 'mission.upload' to the vehicle's bridge through the hub's
 * one request path (`BridgeHub.request`), with the bridge's progress reports handed to
 * `onProgress` (the console's upload progress) as they arrive.
 */
import type { MissionUploadProgress, MissionUploadReply } from '@aerie/contracts';
import { type MissionLists, uploadMission } from '../channel/bridge-requests.ts';
import type { BridgeHub } from '../channel/contracts.ts';
import type { Db } from '../db/client.ts';

export type { MissionLists } from '../channel/bridge-requests.ts';

/** Uploads lists to a vehicle; resolves with the bridge's coded reply (never throws). */
export type MissionUploader = (
  vehicleId: string,
  lists: MissionLists,
  options: { requestId: string; timeoutMs?: number },
) => Promise<MissionUploadReply>;

/** The uploader over `hub`; `onProgress` sees every progress report of every upload it runs. */
export function createMissionUploader(
  hub: BridgeHub,
  db: Db,
  onProgress?: (vehicleId: string, p: MissionUploadProgress) => void,
): MissionUploader {
  return (vehicleId, lists, options) =>
    uploadMission(hub, db, vehicleId, lists, {
      ...options,
      ...(onProgress ? { onProgress: (p: MissionUploadProgress) => onProgress(vehicleId, p) } : {}),
    });
}
