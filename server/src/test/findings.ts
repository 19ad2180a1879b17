/** Test findings: a detector's GeoFinding as POST /api/findings takes it, for the tests and the ticket benchmark. */
import type { GeoFinding } from '@aerie/contracts';

/**
 * A finding captured at `capturedAtMs`: by default an ONNX detector's construction roof (score
 * 0.95) in a 5 x 5 px box at 30°N 120°E within 2 m, one frame from vehicle `v`; `o` changes any of these.
 */
export function testFinding(
  capturedAtMs: number,
  o: Partial<Pick<GeoFinding, 'category' | 'label' | 'score' | 'box'>> & {
    lat?: number;
    lon?: number;
    errorM?: number;
  } = {},
): GeoFinding {
  return {
    category: o.category ?? 'construction',
    label: o.label ?? 'roof',
    score: o.score ?? 0.95,
    box: o.box ?? [0, 0, 5, 5],
    detector: { name: 'd', version: '1', kind: 'onnx' },
    vehicleId: 'v',
    capturedAtMs,
    location: { lat: o.lat ?? 30, lon: o.lon ?? 120, errorM: o.errorM ?? 2 },
    frames: 1,
  };
}
