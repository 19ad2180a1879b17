/**
 * Cameras for a simulated fleet: one SimCamera per aircraft over the demo scene around the
 * fleet's homes (the docks), all served by one Motion-JPEG HTTP server.
 */
import type { SimVehicle } from '../sim/vehicle.ts';
import { buildDemoScene, type PlantedIncident } from './scene.ts';
import { type CameraServer, SimCamera, startCameraServer } from './sim-camera.ts';

export interface FleetCameras {
  server: CameraServer;
  cameras: Map<number, SimCamera>;
  incidents: PlantedIncident[];
  close(): Promise<void>;
}

export async function startFleetCameras(
  vehicles: readonly SimVehicle[],
  opts: { port?: number; host?: string; samplesDir?: string; fps?: number } = {},
): Promise<FleetCameras> {
  const homes = vehicles.map((v) => v.homePosition);
  const { scene, incidents } = await buildDemoScene({
    sites: homes,
    elevationMslM: homes[0]?.altM ?? 0,
    ...(opts.samplesDir ? { samplesDir: opts.samplesDir } : {}),
  });
  const cameras = new Map<number, SimCamera>();
  for (const v of vehicles) {
    cameras.set(
      v.sysid,
      new SimCamera({
        scene,
        ...(opts.fps ? { fps: opts.fps } : {}),
        pose: () => {
          const p = v.position;
          // Parked, the lens still sits above the ground on the aircraft's legs.
          return {
            lat: p.lat,
            lon: p.lon,
            altMslM: Math.max(p.altAmslM, scene.elevationMslM + 1.5),
            ...v.attitudeDeg,
          };
        },
      }),
    );
  }
  const server = await startCameraServer({
    camera: (sysid) => cameras.get(sysid),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host ? { host: opts.host } : {}),
  });
  return {
    server,
    cameras,
    incidents,
    async close() {
      for (const c of cameras.values()) c.close();
      await server.close();
    },
  };
}
