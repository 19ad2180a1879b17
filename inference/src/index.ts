/**
 * @aerie/inference: frames in, findings out. ONNX models from the model registry run in
 * worker threads; image-analysis detectors (src/analysis) plug in through the same
 * `Detector` interface.
 */
export { type AnalysisOptions, analysisDetectors } from './analysis/index.ts';
export { type AnalysisSettings, assembleDetectors, oncePerImage } from './assemble.ts';
export * from './detector.ts';
export * from './geo/index.ts';
export { decodeImage, ImageDecodeError } from './image.ts';
export { ModelOutputError } from './onnx/decode.ts';
export { type ModelManifest, ModelManifestSchema } from './onnx/manifest.ts';
export { type ModelSpec, OnnxDetector } from './onnx/onnx-detector.ts';
export type { VehicleStats } from './pipeline/latest-per-vehicle.ts';
export type { DetectorError } from './pipeline/messages.ts';
export {
  type FrameOutcome,
  Pipeline,
  type PipelineOptions,
  type PipelineReady,
  startPipeline,
} from './pipeline/pipeline.ts';
export {
  type InferenceWorkerOptions,
  type RunningInferenceWorker,
  startInferenceWorker,
  WORKER_DEFAULTS,
} from './queue/consumer.ts';
export {
  DETECTION_QUEUE,
  type DetectionJobData,
  type DetectionJobResult,
  decodeJob,
  encodeJob,
  outcomeToResult,
  resultToOutcome,
} from './queue/job.ts';
export { type QueueDepth, QueuedPipeline, type QueuedPipelineOptions } from './queue/producer.ts';
export { assertRedisReachable, checkRedisUrl, redactRedisUrl } from './queue/redis.ts';
export {
  loadModels,
  type ModelLoadFailure,
  openModels,
  type RegistryConfig,
  readModelSpecs,
  resolveModelsDir,
} from './registry.ts';
