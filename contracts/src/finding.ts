/**
 * The finding contract: what a detector reports about one frame, and what the ticket
 * desk receives. Produced by the inference package, consumed by the server's findings
 * intake (tickets). A finding always names the detector and model version that made it,
 * so a reviewer can tell an ONNX model's box from an image-analysis rule's.
 */
import { type Static, Type } from 'typebox';

/** What the command centre files tickets about, plus the COCO classes other rules use. */
export const FindingCategory = Type.Union([
  Type.Literal('fire_smoke'),
  Type.Literal('construction'),
  Type.Literal('river_pollution'),
  Type.Literal('person'),
  Type.Literal('vehicle'),
  Type.Literal('other'),
]);
export type FindingCategory = Static<typeof FindingCategory>;

/** A box in the original image's pixels: left, top, width, height. */
export const PixelBox = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]);
export type PixelBox = Static<typeof PixelBox>;

export const DetectorRef = Type.Object({
  /** Stable name, e.g. `yolox_nano_coco` or `fire-colour`. */
  name: Type.String({ minLength: 1 }),
  /** Model or rule version, e.g. the model file's SHA-256 prefix or the rule's semver. */
  version: Type.String({ minLength: 1 }),
  kind: Type.Union([Type.Literal('onnx'), Type.Literal('image-analysis')]),
});
export type DetectorRef = Static<typeof DetectorRef>;

/** Where on the ground a finding is, with a one-sigma-like radius in metres. */
export const GeoFix = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  errorM: Type.Number({ minimum: 0 }),
});
export type GeoFix = Static<typeof GeoFix>;

/** One thing found in one image. */
export const ImageFinding = Type.Object({
  category: FindingCategory,
  /** The detector's own label (COCO class name, `flame`, `blue-steel-roof`, ...). */
  label: Type.String({ minLength: 1 }),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  box: PixelBox,
  detector: DetectorRef,
});
export type ImageFinding = Static<typeof ImageFinding>;

/** A finding placed on the ground from a frame with a pose: what the ticket desk takes in. */
export const GeoFinding = Type.Object({
  ...ImageFinding.properties,
  vehicleId: Type.String({ minLength: 1 }),
  sortieId: Type.Optional(Type.String({ minLength: 1 })),
  capturedAtMs: Type.Number({ minimum: 0 }),
  location: GeoFix,
  /** How many consecutive frames were fused into this finding (1 when not fused). */
  frames: Type.Integer({ minimum: 1 }),
});
export type GeoFinding = Static<typeof GeoFinding>;
