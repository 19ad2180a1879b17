/**
 * One ONNX model as a `Detector`: letterbox -> session.run -> decode -> class-wise
 * NMS -> boxes in original pixels -> findings with the manifest's categories.
 *
 * The stages are public (`prepare`, `run`, `postprocess`) so the benchmark can time the bare
 * `session.run` against the whole detector on the same input.
 */
import type { DetectorRef, ImageFinding } from '@aerie/contracts';
import ort from 'onnxruntime-node';
import type { DetectContext, Detector, RgbImage } from '../detector.ts';
import { checkRgbImage } from '../detector.ts';
import {
  decodeNanodet,
  decodeYolov8,
  decodeYolox,
  expectedOutputs,
  ModelOutputError,
  type OutputTensor,
} from './decode.ts';
import {
  type Letterbox,
  letterboxGeometry,
  letterboxTensor,
  nmsClassWise,
  toOriginalBox,
} from './geometry.ts';
import type { ModelManifest } from './manifest.ts';

/** A manifest whose model file and labels have been found and read. */
export interface ModelSpec {
  manifest: ModelManifest;
  labels: string[];
  /** Absolute path of the .onnx file. */
  modelPath: string;
  /** `manifest.version`, else the file's SHA-256 (first 12 hex digits). */
  version: string;
}

export interface SessionOptions {
  /** Threads one session.run may use (default 1: the pool runs one session per worker). */
  intraOpNumThreads?: number;
}

/** Per-class thresholds from the manifest; classes without a category get Infinity (dropped). */
export function classThresholds(m: ModelManifest, labels: readonly string[]): Float32Array {
  return Float32Array.from(labels, (label) => {
    if (!(label in m.categories) && !m.defaultCategory) return Number.POSITIVE_INFINITY;
    return m.classThresholds?.[label] ?? m.scoreThreshold;
  });
}

/** Checks the session's declared input and output shapes against the manifest. */
export function checkSessionAgainstManifest(
  spec: ModelSpec,
  session: ort.InferenceSession,
): string | undefined {
  const m = spec.manifest;
  const inputName = m.input.name ?? session.inputNames[0];
  const input = session.inputMetadata.find((i) => i.name === inputName);
  if (!input) return `input ${m.input.name} not found (model inputs: ${session.inputNames.join(', ')})`;
  const same = (got: readonly unknown[], want: readonly number[]) =>
    got.length === want.length && got.every((d, i) => typeof d !== 'number' || d < 0 || d === want[i]);
  if (input.isTensor) {
    const want = [1, 3, m.input.height, m.input.width];
    if (!same(input.shape, want))
      return `input ${inputName} has shape [${input.shape.join(',')}], manifest says [${want.join(',')}]`;
  }
  const wanted = expectedOutputs(m.format, spec.labels.length, m.input.width, m.input.height);
  for (const [k, want] of wanted.entries()) {
    const name = want.name ?? session.outputNames[k];
    const out = session.outputMetadata.find((o) => o.name === name);
    if (!out) return `output ${name} not found (model outputs: ${session.outputNames.join(', ')})`;
    if (out.isTensor && !same(out.shape, want.dims)) {
      return `output ${name} has shape [${out.shape.join(',')}], a ${m.format} head with ${spec.labels.length} labels at ${m.input.width}x${m.input.height} needs [${want.dims.join(',')}]`;
    }
  }
  return undefined;
}

export class OnnxDetector implements Detector {
  readonly ref: DetectorRef;
  readonly spec: ModelSpec;
  private readonly thresholds: Float32Array;
  private readonly inputName: string;
  private spare: Float32Array | null = null;

  private constructor(
    spec: ModelSpec,
    private readonly session: ort.InferenceSession,
  ) {
    this.spec = spec;
    this.ref = { name: spec.manifest.name, version: spec.version, kind: 'onnx' };
    this.thresholds = classThresholds(spec.manifest, spec.labels);
    this.inputName = spec.manifest.input.name ?? session.inputNames[0]!;
  }

  /** Opens a session and checks it against the manifest; throws with the file and what is wrong. */
  static async open(spec: ModelSpec, opts: SessionOptions = {}): Promise<OnnxDetector> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(spec.modelPath, {
        intraOpNumThreads: opts.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        logSeverityLevel: 3,
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new Error(
        `${spec.modelPath}: not a loadable ONNX model: ${err instanceof Error ? err.message : err}`,
      );
    }
    const bad = checkSessionAgainstManifest(spec, session);
    if (bad) {
      await session.release();
      throw new ModelOutputError(`${spec.modelPath}: ${bad}`);
    }
    return new OnnxDetector(spec, session);
  }

  /**
   * Letterbox and tensor: everything before session.run. `out` lets a caller reuse a tensor
   * buffer (a fresh 2 MB Float32Array per frame costs more than the fill itself).
   */
  prepare(img: RgbImage, out?: Float32Array): { feeds: Record<string, ort.Tensor>; lb: Letterbox } {
    const bad = checkRgbImage(img);
    if (bad) throw new Error(bad);
    const inp = this.spec.manifest.input;
    const lb = letterboxGeometry(img.width, img.height, inp.width, inp.height, inp.placement);
    const data = letterboxTensor(img, lb, inp, out);
    return {
      feeds: { [this.inputName]: new ort.Tensor('float32', data, [1, 3, inp.height, inp.width]) },
      lb,
    };
  }

  /** The bare model run. */
  run(feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
    return this.session.run(feeds);
  }

  /** Decode, NMS, boxes back to original pixels, categories. */
  postprocess(outputs: ort.InferenceSession.ReturnType, lb: Letterbox): ImageFinding[] {
    const m = this.spec.manifest;
    const tensors = new Map<string, OutputTensor>();
    for (const [name, v] of Object.entries(outputs)) {
      if (v.type !== 'float32') throw new ModelOutputError(`output ${name} is ${v.type}, expected float32`);
      tensors.set(name, { data: v.data as Float32Array, dims: v.dims });
    }
    const first = () => tensors.get(this.session.outputNames[0]!)!;
    const cands =
      m.format === 'yolox'
        ? decodeYolox(first(), this.thresholds, m.input.width, m.input.height)
        : m.format === 'yolov8'
          ? decodeYolov8(first(), this.thresholds, m.input.width, m.input.height)
          : decodeNanodet(tensors, this.thresholds, m.input.width, m.input.height);
    const kept = nmsClassWise(cands, m.nmsIou);
    const findings: ImageFinding[] = [];
    for (const c of kept) {
      const label = this.spec.labels[c.classIndex]!;
      const category = m.categories[label] ?? m.defaultCategory;
      if (!category) continue;
      const box = toOriginalBox(c, lb);
      if (box[2] <= 0 || box[3] <= 0) continue;
      const score = m.fixedScore ?? Math.min(1, Math.max(0, c.score));
      findings.push({ category, label, score, box, detector: this.ref });
    }
    return findings;
  }

  async detect(img: RgbImage, _ctx: DetectContext = {}): Promise<ImageFinding[]> {
    // One spare tensor buffer; a second concurrent call gets its own.
    const inp = this.spec.manifest.input;
    const buf = this.spare ?? new Float32Array(3 * inp.width * inp.height);
    this.spare = null;
    try {
      const { feeds, lb } = this.prepare(img, buf);
      const outputs = await this.run(feeds);
      return this.postprocess(outputs, lb);
    } finally {
      this.spare = buf;
    }
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
