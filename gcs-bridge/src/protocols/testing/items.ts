/** Mission items for protocol tests. */
import type { MissionItemInt, MissionType } from '@aerie/missions';

/** n items of one mission type, numbered 0..n-1: waypoints, fence polygon vertices or rally points. */
export function makeItems(n: number, missionType: MissionType = 0): MissionItemInt[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: i,
    frame: 6,
    command: missionType === 1 ? 5001 : missionType === 2 ? 5100 : 16,
    current: i === 0 ? 1 : 0,
    autocontinue: 1,
    param1: missionType === 1 ? 4 : 0,
    param2: 0,
    param3: 0,
    param4: 0,
    x: 300000000 + i * 1000,
    y: 1200000000 + i * 1000,
    z: 30 + i,
    missionType,
  }));
}

/** The fields a vehicle stores of an item (what it answers a download with, sequence and type aside). */
export function storedFields(it: MissionItemInt) {
  return {
    frame: it.frame,
    command: it.command,
    autocontinue: it.autocontinue,
    param1: it.param1,
    param2: it.param2,
    param3: it.param3,
    param4: it.param4,
    x: it.x,
    y: it.y,
    z: it.z,
  };
}
