/** The simulated camera: scenes, rendering under a pose, and Motion-JPEG serving. */
export {
  announcedStream,
  type FleetCameras,
  type FleetCamerasOptions,
  startFleetCameras,
} from './fleet-cameras.ts';
export {
  type AnnouncedStream,
  CAMERA_COMPID,
  MavlinkCamera,
  type MavlinkCameraOptions,
  quaternionFromEuler,
  VideoStreamEncoding,
  VideoStreamType,
} from './mavlink-camera.ts';
export { renderView, type Scene, scenePixel } from './render.ts';
export {
  buildDemoScene,
  DEFAULT_SAMPLES_DIR,
  type DemoScene,
  type DemoSceneOptions,
  INCIDENT_OFFSET,
  type IncidentCategory,
  loadSceneImage,
  type PlantedIncident,
  type SceneImageOptions,
} from './scene.ts';
export {
  type CameraFrame,
  type CameraServer,
  DEFAULT_LENS,
  MJPEG_BOUNDARY,
  type SceneIncidents,
  SimCamera,
  type SimCameraOptions,
  startCameraServer,
  streamMjpeg,
} from './sim-camera.ts';
