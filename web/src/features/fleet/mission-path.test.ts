import { MavCmd, MavFrame, type MissionStep, type Route, stepsToItems } from '@aerie/missions';
import { describe, expect, it } from 'vitest';
import { missionPath, progressIndex, routeMissionPath } from './mission-path.ts';

/** A mission step at a position (0, 0: none), encoded by the missions library as the server does. */
function step(command: number, lat: number, lon: number, altM: number): MissionStep {
  const params: MissionStep['params'] = [0, 0, 0, 0, lat, lon, altM];
  return { routeIndex: null, command, frame: MavFrame.GlobalRelativeAltInt, params, autoContinue: true };
}

describe('the focused vehicle mission path', () => {
  it('draws the positioned items and maps each seq to the point it flies to', () => {
    const path = missionPath(
      stepsToItems([
        step(MavCmd.NavTakeoff, 23.03, 113.14, 40),
        step(MavCmd.DoSetCamTriggDist, 0, 0, 0), // camera trigger: no position of its own
        step(MavCmd.NavWaypoint, 23.031, 113.141, 60),
        step(MavCmd.NavReturnToLaunch, 0, 0, 0),
      ]),
    );
    expect(path.points).toHaveLength(2);
    expect(path.points[1]).toEqual({ lat: 23.031, lon: 113.141, heightM: 60 });
    expect(progressIndex(path, 1)).toBe(0);
    expect(progressIndex(path, 2)).toBe(1);
    expect(progressIndex(path, null)).toBe(-1);
  });

  it('follows a saved route as the orchestrator converts it', () => {
    const route: Route = {
      name: 'river',
      defaults: { altM: 50, speedMps: 8 },
      items: [
        { type: 'takeoff', altM: 40 },
        { type: 'waypoint', lat: 23.03, lon: 113.14, altM: 50 },
        { type: 'waypoint', lat: 23.035, lon: 113.145, altM: 50 },
      ],
    };
    const path = routeMissionPath(route, 'px4', { lat: 23.029, lon: 113.139 });
    expect(path.points.length).toBeGreaterThanOrEqual(2);
    expect(path.points.some((p) => Math.abs(p.lat - 23.035) < 1e-6 && Math.abs(p.lon - 113.145) < 1e-6)).toBe(
      true,
    );
  });
});
