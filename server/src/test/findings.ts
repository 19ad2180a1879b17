/**
 * A finding as `POST /api/findings` takes it, for the tests and the ticket benchmark: an ONNX
 * detector's construction "roof" at score 0.9 in a 5 x 5 px box, one frame from vehicle `v`.
 */

/** The finding captured at `capturedAtMs` at `location`, with `over` over the defaults above. */
export function findingAt(
  location: { lat: number; lon: number; errorM: number },
  capturedAtMs: number,
  over: Record<string, unknown> = {},
) {
  return {
    category: 'construction',
    label: 'roof',
    score: 0.9,
    box: [0, 0, 5, 5],
    detector: { name: 'd', version: '1', kind: 'onnx' },
    vehicleId: 'v',
    capturedAtMs,
    location,
    frames: 1,
    ...over,
  };
}
