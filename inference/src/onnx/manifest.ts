/**
 * Aerie's description of one ONNX detection model: which file, how its input is prepared,
 * how its output is read, and what its classes mean to the command centre.
 *
 * The model files themselves live outside the repository (`AERIE_MODELS_DIR`, one folder per
 * model); the manifests live in the repository (`inference/models/<name>.json`, file paths
 * relative to the models folder) unless a model folder carries its own `manifest.json` (file
 * paths relative to that folder), which then wins.
 */
import { FindingCategory } from '@aerie/contracts';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';

const Triple = Type.Tuple([Type.Number(), Type.Number(), Type.Number()]);

export const OutputFormat = Type.Union([
  Type.Literal('yolox'),
  Type.Literal('yolov8'),
  Type.Literal('nanodet'),
]);
export type OutputFormat = Static<typeof OutputFormat>;

export const ModelManifestSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'Stable detector name' }),
    file: Type.String({ minLength: 1, description: 'The .onnx file, relative to the models folder' }),
    format: OutputFormat,
    version: Type.Optional(
      Type.String({ minLength: 1, description: "Model version; default: the file's SHA-256, first 12 hex" }),
    ),
    licence: Type.String({ minLength: 1 }),
    input: Type.Object(
      {
        name: Type.Optional(
          Type.String({ minLength: 1, description: "Input tensor name; default: the model's first" }),
        ),
        width: Type.Integer({ minimum: 1 }),
        height: Type.Integer({ minimum: 1 }),
        colour: Type.Union([Type.Literal('rgb'), Type.Literal('bgr')], {
          description: 'Channel order of the tensor',
        }),
        mean: Type.Optional(Triple),
        std: Type.Optional(Triple),
        /** Where the resized image sits in the input: centred or at the top-left corner. */
        placement: Type.Union([Type.Literal('centre'), Type.Literal('top-left')]),
        padValue: Type.Integer({ minimum: 0, maximum: 255 }),
      },
      {
        additionalProperties: false,
        description: 'tensor = (pixel - mean) / std per channel, in the tensor channel order',
      },
    ),
    labels: Type.Union([
      Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
      Type.Object({ file: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    ]),
    scoreThreshold: Type.Number({ minimum: 0, maximum: 1 }),
    /** Per-label thresholds that override `scoreThreshold`. */
    classThresholds: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 }))),
    nmsIou: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    /** Label -> category. Labels not listed are dropped unless `defaultCategory` is set. */
    categories: Type.Record(Type.String(), FindingCategory),
    defaultCategory: Type.Optional(FindingCategory),
    /**
     * Some models (an INT8 file with saturated class scores) emit a constant that is no
     * probability. When set, every kept detection reports this score instead of the raw one.
     */
    fixedScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    notes: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ModelManifest = Static<typeof ModelManifestSchema>;

export type ManifestCheck = { ok: true; manifest: ModelManifest } | { ok: false; error: string };

/** Checks a parsed manifest; the message names every wrong field. */
export function checkManifest(value: unknown): ManifestCheck {
  if (!Value.Check(ModelManifestSchema, value)) {
    const problems = Value.Errors(ModelManifestSchema, value)
      .slice(0, 5)
      .map((e) => {
        const extra =
          e.keyword === 'additionalProperties'
            ? ` (${((e.params as { additionalProperties?: string[] }).additionalProperties ?? []).join(', ')})`
            : '';
        return `${e.instancePath || '/'}: ${e.message}${extra}`;
      });
    return { ok: false, error: problems.join('; ') };
  }
  const m = value as ModelManifest;
  if (m.input.std?.some((s) => s === 0)) return { ok: false, error: '/input/std: a zero divisor' };
  return { ok: true, manifest: m };
}

/** The labels a manifest names inline, or the lines of its labels file (blank lines dropped). */
export function parseLabels(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Checks manifest fields that depend on the labels (thresholds and categories name real labels). */
export function checkLabelsAgainstManifest(m: ModelManifest, labels: string[]): string | undefined {
  if (labels.length === 0) return 'no labels';
  const known = new Set(labels);
  for (const label of Object.keys(m.categories)) {
    if (!known.has(label)) return `/categories/${label}: not one of the model's labels`;
  }
  for (const label of Object.keys(m.classThresholds ?? {})) {
    if (!known.has(label)) return `/classThresholds/${label}: not one of the model's labels`;
  }
  return undefined;
}
