/** What the pipeline and its worker threads say to each other (structured-clone safe). */
import type { DetectorRef, ImageFinding } from '@aerie/contracts';
import type { DetectContext } from '../detector.ts';
import type { ModelLoadFailure, RegistryConfig } from '../registry.ts';

export interface WorkerInit {
  registry: RegistryConfig | null;
  /** intraOpNumThreads of each session. */
  threads: number;
  /** Load the image-analysis detectors (inference/src/analysis) with these options; null: none. */
  analysis: Record<string, unknown> | null;
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

export type WorkerMessage =
  | { type: 'ready'; detectors: DetectorRef[]; failed: ModelLoadFailure[] }
  | { type: 'init-failed'; error: string }
  | {
      type: 'result';
      id: number;
      width: number;
      height: number;
      findings: ImageFinding[];
      errors: DetectorError[];
      /** Milliseconds spent decoding and in detectors, measured in the worker. */
      decodeMs: number;
      detectMs: number;
    }
  | { type: 'failed'; id: number; error: string };
