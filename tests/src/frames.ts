/** Camera frames for the detection tests and benchmarks: straight down from 60 m over Guicheng. */
import type { CameraIntrinsics, Frame } from '@aerie/contracts';

/** An encoded frame of `vehicleId` taken at `capturedAtMs`, looking straight down from 60 m. */
export function nadirFrame(
  vehicleId: string,
  capturedAtMs: number,
  bytes: Uint8Array,
  camera: CameraIntrinsics = { hfovDeg: 70, width: 1280, height: 720 },
): Frame & { image: { kind: 'encoded' } } {
  return {
    vehicleId,
    capturedAtMs,
    pose: { lat: 23.03, lon: 113.14, altMslM: 72, altRelM: 60, rollDeg: 0, pitchDeg: 0, yawDeg: 0 },
    gimbal: { pitchDeg: -90, yawDeg: 0, rollDeg: 0 },
    camera,
    image: { kind: 'encoded', bytes },
  };
}
