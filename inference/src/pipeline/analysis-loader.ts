/**
 * Loads the image-analysis detectors from inference/src/analysis when that module exists
 * (`analysisDetectors(options)`). Imported by URL so the pipeline works, ONNX only, in a tree
 * without it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Detector } from '../detector.ts';

const ANALYSIS_URL = new URL('../analysis/index.ts', import.meta.url);

export function analysisAvailable(): boolean {
  return existsSync(fileURLToPath(ANALYSIS_URL));
}

export async function loadAnalysisDetectors(options: Record<string, unknown> = {}): Promise<Detector[]> {
  if (!analysisAvailable()) return [];
  const mod = (await import(ANALYSIS_URL.href)) as {
    analysisDetectors?: (options: Record<string, unknown>) => Detector[] | Promise<Detector[]>;
  };
  if (typeof mod.analysisDetectors !== 'function') {
    throw new Error(`${fileURLToPath(ANALYSIS_URL)}: exports no analysisDetectors(options) function`);
  }
  return await mod.analysisDetectors(options);
}
