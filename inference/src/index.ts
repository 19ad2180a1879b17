/**
 * @aerie/inference: frames in, findings out. ONNX models from the model registry run in
 * worker threads; image-analysis detectors (src/analysis) plug in through the same
 * `Detector` interface.
 */
export * from './detector.ts';
export * from './geo/index.ts';
