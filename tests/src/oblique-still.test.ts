/**
 * An oblique still, followed from the simulated camera to a finding on the ground: the camera
 * renders a planted marker through the aircraft's stabilised gimbal, reports the still with its
 * orientation (CAMERA_IMAGE_CAPTURED as the simulated camera encodes it, float32 on the wire),
 * the bridge turns it into a still report, the server into a frame, and the inference's
 * georeferencing places the marker's box on the ground.
 */
import type { ImageFinding } from '@aerie/contracts';
import { imageFromMessage } from '@aerie/gcs-bridge';
import { quaternionFromDeg, renderView, SimGimbal } from '@aerie/hardware';
import { redPixels, sceneWithMarker } from '@aerie/hardware/testing';
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

describe('an oblique still from the simulated camera, placed on the ground', () => {
  const marker = at(20, -15);
  const scene = sceneWithMarker(HOME, marker, GROUND_M, 2);

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
      const { box, n } = redPixels(renderView(scene, view), LENS.width);
      expect(n).toBeGreaterThan(50);
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
