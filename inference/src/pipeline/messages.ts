/** What the pipeline and its worker threads say to each other (structured-clone safe). */
import type { DetectorRef, ImageFinding } from '@aerie/contracts';
import type { AnalysisSettings } from '../assemble.ts';
import type { DetectContext } from '../detector.ts';
import type { ModelLoadFailure, RegistryConfig } from '../registry.ts';

export interface WorkerInit {
  registry: RegistryConfig | null;
  /** intraOpNumThreads of each session. */
  threads: number;
  /** Run the image-analysis detectors (inference/src/analysis) with these settings; null: none. */
  analysis: AnalysisSettings | null;
}

export type JobImage =
  | { kind: 'encoded'; bytes: Uint8Array }
  | { kind: 'rgb'; bytes: Uint8Array; width: number; height: number };

export interface JobRequest {
  type: 'job';
  id: number;
  image: JobImage;
  ctx: DetectContext;
}

export interface DetectorError {
  detector: string;
  error: string;
}

/** What detection made of one frame: its size, the findings, and where the time went. */
export interface FrameDetections {
  width: number;
  height: number;
  findings: ImageFinding[];
  /** Detectors that failed on this frame while others answered. */
  errors: DetectorError[];
  /** Milliseconds spent decoding and in detectors, measured in the worker. */
  decodeMs: number;
  detectMs: number;
}

export type WorkerMessage =
  | { type: 'ready'; detectors: DetectorRef[]; failed: ModelLoadFailure[] }
  | { type: 'init-failed'; error: string }
  | ({ type: 'result'; id: number } & FrameDetections)
  | { type: 'failed'; id: number; error: string };
