/**
 * An oblique still, followed from the simulated camera to a finding on the ground: the camera
 * renders a planted marker through the aircraft's stabilised gimbal, reports the still with its
 * orientation (CAMERA_IMAGE_CAPTURED as the simulated camera encodes it, float32 on the wire),
 * the bridge turns it into a still report, the server into a frame, and the inference's
 * georeferencing places the marker's box on the ground.
 */
import type { ImageFinding } from '@aerie/contracts';
import { imageFromMessage } from '@aerie/gcs-bridge';
import { quaternionFromDeg, renderView, type Scene, SimGimbal, scenePixel } from '@aerie/hardware';
import { georeferenceFinding } from '@aerie/inference';
import { type CameraView, distanceM, localPlane } from '@aerie/missions';
import { frameMetaOfImage } from '@aerie/server';
import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';

const HOME = { lat: 23.03, lon: 113.14 };
const GROUND_M = 10;
const LENS = { hfovDeg: 70, width: 1280, height: 720 };
const plane = localPlane(HOME);
const at = (northM: number, eastM: number) => plane.toLatLon({ x: eastM, y: northM });

/** A grey scene 400 m square at 0.1 m/px with a 2 m red square at `marker`. */
function sceneWithMarker(marker: { lat: number; lon: number }): Scene {
  const north = at(200, 0).lat;
  const south = at(-200, 0).lat;
  const east = at(0, 200).lon;
  const west = at(0, -200).lon;
  const width = 4000;
  const height = 4000;
  const rgb = new Uint8Array(width * height * 3).fill(128);
  const scene: Scene = { rgb, width, height, bounds: { north, south, east, west }, elevationMslM: GROUND_M };
  const c = scenePixel(scene, marker.lat, marker.lon);
  for (let y = Math.round(c.y - 10); y < Math.round(c.y + 10); y++)
    for (let x = Math.round(c.x - 10); x < Math.round(c.x + 10); x++)
      rgb.set([255, 0, 0], (y * width + x) * 3);
  return scene;
}

/** Bounding box [x, y, w, h] of the red pixels. */
function redBox(rgb: Uint8Array, width: number): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, -1, -1];
  for (let i = 0, p = 0; i < rgb.length; i += 3, p++) {
    if (!(rgb[i]! > 200 && rgb[i + 1]! < 60)) continue;
    const x = p % width;
    const y = Math.floor(p / width);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + 1);
    y1 = Math.max(y1, y + 1);
  }
  if (x1 < 0) throw new Error('the marker is not in the image');
  return [x0, y0, x1 - x0, y1 - y0];
}

describe('an oblique still from the simulated camera, placed on the ground', () => {
  const marker = at(20, -15);
  const scene = sceneWithMarker(marker);

  for (const c of [
    {
      name: 'gimbal 40 deg down from a banked, pitched aircraft',
      item: [-40, Number.NaN, Number.NaN, Number.NaN, 0, 0, 0],
      body: { rollDeg: 10, pitchDeg: -5, yawDeg: 300 },
      from: at(-15, 45),
    },
    {
      name: 'gimbal straight down (the default), heading 200',
      item: null,
      body: { rollDeg: -4, pitchDeg: 3, yawDeg: 200 },
      from: at(28, -5),
    },
  ] as const) {
    it(`${c.name}: the marker lands within 0.5 m of where it was planted`, () => {
      const altMslM = GROUND_M + 40;
      // The autopilot's gimbal as the mission item (DO_GIMBAL_MANAGER_PITCHYAW) set it.
      const gimbal = new SimGimbal();
      if (c.item) gimbal.command(1000, c.item);
      const view: CameraView = {
        pose: { lat: c.from.lat, lon: c.from.lon, altMslM, ...c.body },
        gimbal: gimbal.bodyRelative(c.body),
        camera: LENS,
      };
      const box = redBox(renderView(scene, view), LENS.width);
      // CAMERA_IMAGE_CAPTURED as the simulated camera fills it (q: the camera's orientation).
      const m = new common.CameraImageCaptured();
      m.timeUtc = 1_700_000_000_000_000n;
      m.lat = Math.round(c.from.lat * 1e7);
      m.lon = Math.round(c.from.lon * 1e7);
      m.alt = Math.round(altMslM * 1000);
      m.relativeAlt = 40_000;
      m.q = Array.from(new Float32Array(quaternionFromDeg(gimbal.cameraAttitude(c.body))));
      m.imageIndex = 0;
      m.captureResult = 1 as common.CameraImageCaptured['captureResult'];
      m.fileUrl = 'http://127.0.0.1:1/0.jpg';
      const image = imageFromMessage(100, m, 0);
      const frame = frameMetaOfImage('v1', image, LENS, { pitchDeg: -90, yawDeg: 0, rollDeg: 0 });
      // The aircraft's own tilt is nowhere in the frame: the gimbal held the camera.
      expect(frame.pose.rollDeg).toBe(0);
      expect(c.body.rollDeg).not.toBe(0);
      const finding: ImageFinding = {
        category: 'construction',
        label: 'marker',
        score: 0.9,
        box,
        detector: { name: 'planted-marker', version: '1', kind: 'image-analysis' },
      };
      const placed = georeferenceFinding(finding, frame);
      if (!placed.ok) throw new Error(placed.error.message);
      const offM = distanceM(placed.finding.location, marker);
      expect(offM).toBeLessThan(0.5);
      expect(offM).toBeLessThan(placed.finding.location.errorM);
    });
  }
});
