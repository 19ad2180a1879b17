import { describe, expect, it } from 'vitest';
import { itemAt, itemBody, MavCmd, MavFrame, MissionType } from './items.ts';

describe('itemAt', () => {
  it('places an item at a global position in degrees x 1e7, parameters 0 unless given', () => {
    const item = itemAt(
      MavFrame.GlobalRelativeAltInt,
      MavCmd.NavWaypoint,
      { lat: 30.2738, lon: 120.1557 },
      25,
    );
    expect(Object.keys(item).sort()).toEqual(
      [
        'autocontinue',
        'command',
        'current',
        'frame',
        'param1',
        'param2',
        'param3',
        'param4',
        'x',
        'y',
        'z',
      ].sort(),
    );
    expect([item.frame, item.command, item.current, item.autocontinue]).toEqual([6, 16, 0, 1]);
    expect([item.param1, item.param2, item.param3, item.param4]).toEqual([0, 0, 0, 0]);
    expect([item.x, item.y, item.z]).toEqual([302738000, 1201557000, 25]);
  });

  it('rounds to the nearest wire unit and keeps the parameters it is given', () => {
    const item = itemAt(
      MavFrame.GlobalInt,
      MavCmd.NavFenceCircleInclusion,
      { lat: -33.86785001, lon: 151.20732 },
      0,
      {
        param1: 40.5,
        param4: 2,
      },
    );
    expect([item.x, item.y, item.z]).toEqual([-338678500, 1512073200, 0]);
    expect([item.param1, item.param2, item.param3, item.param4]).toEqual([40.5, 0, 0, 2]);
  });
});

describe('itemBody', () => {
  it('keeps the eleven body fields of an item and drops the rest', () => {
    const body = itemAt(MavFrame.GlobalInt, MavCmd.NavLand, { lat: 1, lon: 2 }, 3, { param4: 7 });
    const withMore = { seq: 4, missionType: MissionType.Rally, targetSystem: 1, ...body };
    expect(itemBody(withMore)).toEqual(body);
    expect(Object.keys(itemBody(withMore))).toHaveLength(11);
  });
});
