/**
 * Runs the server's 'mission.upload' on one of the bridge's vehicles: the mission list, then
 * the fence and rally lists when present (the order QGroundControl uses), each through the
 * vehicle's mission queue. The mission is confirmed by the mission id the vehicle then reports
 * in MISSION_CURRENT (`Vehicle.uploadMission` checks it and fails with MissionIdMismatch).
 *
 * Every path answers exactly once with a value: a malformed request ('BadRequest'), a sysid
 * the bridge has not heard ('UnknownVehicle'), the protocol's coded failure with the list it
 * failed on, or 'BridgeError' when the vehicle code threw (a bug, logged by the caller).
 *
 * Float params travel as JSON, where NaN ("unset", e.g. yaw) becomes null: null params are
 * read back as NaN here, as QGroundControl reads its .plan files.
 */
import type { MissionItemInt } from '@aerie/missions';
import type { Vehicle } from '../vehicle/vehicle.ts';
import type { MissionUploadProgress, MissionUploadReply, MissionUploadRequest } from './events.ts';

type ListName = 'mission' | 'fence' | 'rally';
const TYPE_OF: Record<ListName, number> = { mission: 0, fence: 1, rally: 2 };

/** What an upload needs from a vehicle. */
export type UploadableVehicle = Pick<Vehicle, 'uploadMission'>;

/** Where vehicles are found by system id; a vehicle without `uploadMission` cannot take lists. */
export interface MissionUploadDirectory {
  vehicle(sysid: number): (object & Partial<UploadableVehicle>) | undefined;
}

export interface MissionUploadOptions {
  /** Progress as it goes, at most one per list every `progressIntervalMs` (the last always). */
  onProgress?: (p: MissionUploadProgress) => void;
  progressIntervalMs?: number;
  now?: () => number;
}

const bad = (message: string): MissionUploadReply => ({ ok: false, error: { code: 'BadRequest', message } });

const FLOAT_FIELDS = ['param1', 'param2', 'param3', 'param4', 'z'] as const;

/** The list with JSON's nulls back to NaN; or the problem in words naming the item and field. */
function readList(raw: unknown, name: ListName): { items: MissionItemInt[] } | { problem: string } {
  if (!Array.isArray(raw)) return { problem: `${name} must be an array of mission items` };
  const items: MissionItemInt[] = [];
  for (let i = 0; i < raw.length; i++) {
    const it = raw[i] as Record<string, unknown> | null;
    if (typeof it !== 'object' || it === null)
      return { problem: `${name}[${i}] is not a mission item object` };
    const copy = { ...it } as Record<string, unknown>;
    for (const k of FLOAT_FIELDS) {
      if (copy[k] === null) copy[k] = Number.NaN;
      else if (typeof copy[k] !== 'number')
        return { problem: `${name}[${i}].${k} must be a number or null, got ${JSON.stringify(copy[k])}` };
    }
    for (const k of [
      'seq',
      'frame',
      'command',
      'current',
      'autocontinue',
      'x',
      'y',
      'missionType',
    ] as const) {
      if (!Number.isInteger(copy[k]))
        return { problem: `${name}[${i}].${k} must be an integer, got ${JSON.stringify(copy[k])}` };
    }
    if (copy.missionType !== TYPE_OF[name])
      return {
        problem: `${name}[${i}].missionType must be ${TYPE_OF[name]} for the ${name} list, got ${copy.missionType}`,
      };
    items.push(copy as unknown as MissionItemInt);
  }
  return { items };
}

/** Runs one upload request; never throws. */
export async function runMissionUpload(
  vehicles: MissionUploadDirectory,
  request: MissionUploadRequest,
  options: MissionUploadOptions = {},
): Promise<MissionUploadReply> {
  if (typeof request !== 'object' || request === null) return bad('the request is not an object');
  const r = request as Partial<MissionUploadRequest>;
  if (!Number.isInteger(r.sysid) || (r.sysid as number) < 1 || (r.sysid as number) > 255)
    return bad(`sysid must be an integer 1..255, got ${JSON.stringify(r.sysid)}`);
  const lists: { name: ListName; items: MissionItemInt[] }[] = [];
  for (const name of ['mission', 'fence', 'rally'] as const) {
    if (name !== 'mission' && r[name] === undefined) continue;
    const read = readList(r[name], name);
    if ('problem' in read) return bad(read.problem);
    lists.push({ name, items: read.items });
  }
  const vehicle = vehicles.vehicle(r.sysid as number);
  if (!vehicle) {
    return {
      ok: false,
      error: {
        code: 'UnknownVehicle',
        message: `this bridge has not heard vehicle sysid ${r.sysid}`,
        detail: { sysid: r.sysid },
      },
    };
  }
  if (typeof vehicle.uploadMission !== 'function')
    return {
      ok: false,
      error: { code: 'NotSupported', message: `vehicle ${r.sysid} cannot take mission uploads here` },
    };

  const now = options.now ?? Date.now;
  const interval = options.progressIntervalMs ?? 250;
  const counts = { mission: 0, fence: 0, rally: 0 };
  let missionId: number | null = null;
  try {
    for (const list of lists) {
      let lastSentAt = Number.NEGATIVE_INFINITY;
      const report = (sent: number, total: number, force: boolean): void => {
        if (!options.onProgress) return;
        const t = now();
        if (!force && t - lastSentAt < interval) return;
        lastSentAt = t;
        options.onProgress({
          requestId: String(r.requestId ?? ''),
          sysid: r.sysid as number,
          missionType: list.name,
          sent,
          total,
          atMs: t,
        });
      };
      report(0, list.items.length, true);
      const result = await vehicle.uploadMission(list.items, {
        missionType: TYPE_OF[list.name],
        onProgress: (p) => report(p.sent, p.total, p.sent === p.total),
      });
      if (!result.ok) {
        const { code, message } = result.error;
        const detail =
          'detail' in result.error ? (result.error.detail as Record<string, unknown> | undefined) : undefined;
        return {
          ok: false,
          error: {
            code,
            message: `${list.name} upload failed: ${message}`,
            missionType: list.name,
            ...(detail ? { detail } : {}),
          },
        };
      }
      counts[list.name] = list.items.length;
      if (list.name === 'mission') missionId = result.value.opaqueId === 0 ? null : result.value.opaqueId;
    }
  } catch (err) {
    return {
      ok: false,
      error: {
        code: 'BridgeError',
        message: `the bridge failed uploading: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  }
  return { ok: true, value: { missionId, counts } };
}
