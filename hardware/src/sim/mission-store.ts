/**
 * The three lists a vehicle keeps (mission, fence, rally), what it accepts in them, and the
 * CRC32 "opaque id" PX4 reports for each so a ground station can tell which plan it holds.
 */
import { crc32 } from 'node:zlib';
import type { ItemBody } from '@aerie/missions';
import type { Flavour } from './flavour.ts';

/** A stored item, as MISSION_ITEM_INT carries it (x/y are degrees x 1e7 in global frames). */
export type StoredItem = ItemBody;

export const MissionTypeId = { Mission: 0, Fence: 1, Rally: 2, All: 255 } as const;

/** MAV_MISSION_RESULT values the vehicle answers with. */
export const MissionResult = {
  Accepted: 0,
  Error: 1,
  UnsupportedFrame: 2,
  Unsupported: 3,
  NoSpace: 4,
  InvalidSequence: 13,
  /** MAV_MISSION_OPERATION_CANCELLED is 15 in common.xml (not 133). */
  OperationCancelled: 15,
} as const;

/** Frames whose x/y are latitude/longitude. */
const GLOBAL_FRAMES = new Set([0, 3, 5, 6, 10, 11]);
/** Frames PX4 accepts in an upload (it has no terrain-following frames). */
const PX4_FRAMES = new Set([0, 2, 3, 5, 6]);
const ARDUPILOT_FRAMES = new Set([0, 2, 3, 5, 6, 10, 11]);
/** Navigation commands that need a position, so a MAV_FRAME_MISSION frame is wrong for them. */
const POSITIONAL = new Set([16, 17, 18, 19, 22]);

const MISSION_COMMANDS = new Set([
  16, 17, 18, 19, 20, 21, 22, 80, 84, 85, 93, 112, 177, 178, 179, 183, 184, 189, 194, 195, 197, 201, 203, 205,
  206, 211, 214, 530, 1000, 1001, 2000, 2001, 2003, 2004, 2500, 2501, 3000,
]);
const FENCE_COMMANDS = new Set([5000, 5001, 5002, 5003, 5004]);
const RALLY_COMMANDS = new Set([5100]);

export function isGlobalFrame(frame: number): boolean {
  return GLOBAL_FRAMES.has(frame);
}

/** Checks one uploaded item: 0 when fine, else the MAV_MISSION_RESULT the vehicle answers. */
export function validateItem(flavour: Flavour, missionType: number, item: StoredItem): number {
  const commands =
    missionType === MissionTypeId.Fence
      ? FENCE_COMMANDS
      : missionType === MissionTypeId.Rally
        ? RALLY_COMMANDS
        : MISSION_COMMANDS;
  if (!commands.has(item.command)) return MissionResult.Unsupported;
  const frames = flavour === 'px4' ? PX4_FRAMES : ARDUPILOT_FRAMES;
  if (!frames.has(item.frame)) return MissionResult.UnsupportedFrame;
  if (item.frame === 2 && POSITIONAL.has(item.command)) return MissionResult.UnsupportedFrame;
  return 0;
}

/** CRC32 over frame, command, autocontinue and params 1-7 of each item in order. */
export function planChecksum(items: readonly StoredItem[]): number {
  if (items.length === 0) return 0;
  const buf = Buffer.alloc(items.length * 32);
  items.forEach((it, i) => {
    const o = i * 32;
    buf.writeUInt8(it.frame & 0xff, o);
    buf.writeUInt16LE(it.command & 0xffff, o + 1);
    buf.writeUInt8(it.autocontinue & 0xff, o + 3);
    buf.writeFloatLE(it.param1, o + 4);
    buf.writeFloatLE(it.param2, o + 8);
    buf.writeFloatLE(it.param3, o + 12);
    buf.writeFloatLE(it.param4, o + 16);
    buf.writeInt32LE(it.x | 0, o + 20);
    buf.writeInt32LE(it.y | 0, o + 24);
    buf.writeFloatLE(it.z, o + 28);
  });
  return crc32(buf) >>> 0;
}

/** The lists held by one vehicle; for ArduPilot the mission list excludes home here. */
export class MissionStore {
  private readonly lists: StoredItem[][] = [[], [], []];
  private readonly ids: number[] = [0, 0, 0];

  items(type: number): readonly StoredItem[] {
    return this.lists[type] ?? [];
  }

  opaqueId(type: number): number {
    return this.ids[type] ?? 0;
  }

  replace(type: number, items: StoredItem[]): void {
    this.lists[type] = items;
    this.ids[type] = planChecksum(items);
  }

  clear(type: number): void {
    if (type === MissionTypeId.All) {
      for (const t of [0, 1, 2]) this.replace(t, []);
    } else {
      this.replace(type, []);
    }
  }
}
