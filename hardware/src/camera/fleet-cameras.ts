/**
 * Cameras for a simulated fleet: one SimCamera per aircraft over the demo scene around the
 * fleet's homes (the docks), all served by one Motion-JPEG HTTP server, and each a MAVLink
 * camera component of its aircraft (mavlink-camera.ts) that announces its stream and reports
 * the stills it takes. The server also removes and restores the scene's planted incidents
 * (`/scene/incidents`, see sim-camera.ts).
 */
import type { SimVehicle } from '../sim/vehicle.ts';
import {
  type AnnouncedStream,
  MavlinkCamera,
  VideoStreamEncoding,
  VideoStreamType,
} from './mavlink-camera.ts';
import { buildDemoScene, type PlantedIncident } from './scene.ts';
import { type CameraServer, DEFAULT_LENS, SimCamera, startCameraServer } from './sim-camera.ts';

export interface FleetCameras {
  server: CameraServer;
  cameras: Map<number, SimCamera>;
  /** The MAVLink camera component (id 100) of each aircraft, by its sysid. */
  components: Map<number, MavlinkCamera>;
  incidents: PlantedIncident[];
  close(): Promise<void>;
}

/** Stills kept per camera (the oldest go first); a real camera's card is larger. */
const STILLS_KEPT = 200;

export interface FleetCamerasOptions {
  port?: number;
  host?: string;
  samplesDir?: string;
  fps?: number;
  /**
   * Announce this stream instead of the Motion-JPEG URL: an `rtsp://` URI template (`{sysid}`
   * replaced) of an RTSP server that re-publishes the cameras (announced as RTSP, H.264).
   */
  rtspUrl?: string;
}

/** What an aircraft's camera announces: the RTSP re-publication when there is one, else Motion-JPEG over HTTP. */
export function announcedStream(
  mjpegUrl: string,
  rtspTemplate: string | undefined,
  sysid: number,
): AnnouncedStream {
  if (rtspTemplate) {
    if (!rtspTemplate.startsWith('rtsp://'))
      throw new Error(`camera RTSP URL must start with rtsp://, got ${rtspTemplate}`);
    return {
      uri: rtspTemplate.replaceAll('{sysid}', String(sysid)),
      type: VideoStreamType.RTSP,
      encoding: VideoStreamEncoding.H264,
    };
  }
  // MAVLink has no stream type for HTTP; see mavlink-camera.ts.
  return { uri: mjpegUrl, type: VideoStreamType.TCP_MPEG, encoding: VideoStreamEncoding.UNKNOWN };
}

export async function startFleetCameras(
  vehicles: readonly SimVehicle[],
  opts: FleetCamerasOptions = {},
): Promise<FleetCameras> {
  const homes = vehicles.map((v) => v.homePosition);
  const demo = await buildDemoScene({
    sites: homes,
    elevationMslM: homes[0]?.altM ?? 0,
    ...(opts.samplesDir ? { samplesDir: opts.samplesDir } : {}),
  });
  const { scene, incidents } = demo;
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
        // The gimbal the autopilot steers (mission gimbal items), stabilised against the horizon.
        gimbalNow: () => v.gimbalBodyDeg,
      }),
    );
  }
  const stills = new Map<number, Map<number, Buffer>>();
  const server = await startCameraServer({
    camera: (sysid) => cameras.get(sysid),
    still: (sysid, index) => stills.get(sysid)?.get(index),
    incidents: { list: () => incidents, isPresent: demo.isPresent, setPresent: demo.setPresent },
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host ? { host: opts.host } : {}),
  });
  const components = new Map<number, MavlinkCamera>();
  for (const v of vehicles) {
    const cam = cameras.get(v.sysid)!;
    components.set(
      v.sysid,
      new MavlinkCamera(v, {
        stream: announcedStream(server.url(v.sysid), opts.rtspUrl, v.sysid),
        lens: DEFAULT_LENS,
        fps: opts.fps ?? 12,
        captureStill: async (index) => {
          const frame = await cam.capture();
          const kept = stills.get(v.sysid) ?? new Map<number, Buffer>();
          stills.set(v.sysid, kept);
          kept.set(index, frame.jpeg);
          if (kept.size > STILLS_KEPT) kept.delete(kept.keys().next().value!);
          return server.stillUrl(v.sysid, index);
        },
      }),
    );
  }
  return {
    server,
    cameras,
    components,
    incidents,
    async close() {
      await Promise.all([...components.values()].map((c) => c.close()));
      for (const c of cameras.values()) c.close();
      await server.close();
    },
  };
}
