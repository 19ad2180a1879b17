import { describe, expect, it } from 'vitest';
import { itemAt, MavCmd, MavFrame, MissionType } from './items.ts';
import { DOCK } from './testing/fixtures.ts';
import { fenceToItems, itemsToFence, rallyToItems, type Zone, zonesToFence } from './zones.ts';

const poly = [
  { lat: 30.27, lon: 120.15 },
  { lat: 30.28, lon: 120.15 },
  { lat: 30.28, lon: 120.16 },
  { lat: 30.27, lon: 120.16 },
];

describe('geofence items', () => {
  it('one item per polygon vertex with the vertex count in param1, circles with the radius', () => {
    const items = fenceToItems({
      polygons: [
        { inclusion: true, points: [...poly, poly[0]!] },
        { inclusion: false, points: poly.slice(0, 3) },
      ],
      circles: [
        { inclusion: false, center: DOCK, radiusM: 45.5 },
        { inclusion: true, center: DOCK, radiusM: 3000 },
      ],
    });
    expect(items.map((i) => [i.seq, i.command, i.param1])).toEqual([
      [0, MavCmd.NavFencePolygonVertexInclusion, 4],
      [1, MavCmd.NavFencePolygonVertexInclusion, 4],
      [2, MavCmd.NavFencePolygonVertexInclusion, 4],
      [3, MavCmd.NavFencePolygonVertexInclusion, 4],
      [4, MavCmd.NavFencePolygonVertexExclusion, 3],
      [5, MavCmd.NavFencePolygonVertexExclusion, 3],
      [6, MavCmd.NavFencePolygonVertexExclusion, 3],
      [7, MavCmd.NavFenceCircleExclusion, 45.5],
      [8, MavCmd.NavFenceCircleInclusion, 3000],
    ]);
    expect(items.every((i) => i.missionType === MissionType.Fence && i.frame === MavFrame.GlobalInt)).toBe(
      true,
    );
    expect(items[1]).toMatchObject({ x: 302800000, y: 1201500000 });
    expect(items[7]).toMatchObject({ x: 302741000, y: 1201551000 });
  });

  it('reads downloaded fence items back', () => {
    const fence = {
      polygons: [{ inclusion: true, points: poly }],
      circles: [{ inclusion: false, center: DOCK, radiusM: 50 }],
    };
    expect(itemsToFence(fenceToItems(fence))).toEqual(fence);
  });

  it('turns no-fly zones into exclusions and operating areas into inclusions; controlled airspace is not fenced', () => {
    const zones: Zone[] = [
      { kind: 'inclusion', geometry: { type: 'polygon', points: poly } },
      { kind: 'nofly', geometry: { type: 'circle', center: DOCK, radiusM: 30 } },
      { kind: 'controlled', geometry: { type: 'circle', center: DOCK, radiusM: 3000 } },
    ];
    expect(zonesToFence(zones)).toEqual({
      polygons: [{ inclusion: true, points: poly }],
      circles: [{ inclusion: false, center: DOCK, radiusM: 30 }],
    });
  });
});

describe('rally items', () => {
  it('are NAV_RALLY_POINT in mission_type 2 with heights above home', () => {
    const point = { lat: 30.2738, lon: 120.1557, altM: 25 };
    expect(rallyToItems([point])).toEqual([
      {
        seq: 0,
        ...itemAt(MavFrame.GlobalRelativeAltInt, MavCmd.NavRallyPoint, point, 25),
        missionType: MissionType.Rally,
      },
    ]);
    expect(rallyToItems([point])[0]).toMatchObject({ x: 302738000, y: 1201557000, z: 25 });
  });
});
