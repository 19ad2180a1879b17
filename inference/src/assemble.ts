/**
 * Puts the detectors of one worker (or one CLI run) together: the ONNX models, then the
 * image-analysis detectors, with a COCO model lent to the construction rule as its machinery
 * source. The lent model is wrapped so that it runs once per image however many detectors ask.
 */
import type { ImageFinding } from '@aerie/contracts';
import { analysisDetectors } from './analysis/index.ts';
import type { DetectContext, Detector, RgbImage } from './detector.ts';

/** Serialisable analysis settings (they cross into worker threads). */
export interface AnalysisSettings {
  /**
   * The COCO model whose `truck` boxes the construction rule uses; default `nanodet_m_coco`
   * (its README: a better machinery proxy than YOLOX), else `yolox_nano_coco`, when loaded.
   * `null`: none.
   */
  machineryModel?: string | null;
  /** Leave out change detection (still images from different places, as the CLI's). */
  withoutChange?: boolean;
}

/** A detector whose answer for one image object is computed once and shared. */
export function oncePerImage(d: Detector): Detector {
  const seen = new WeakMap<RgbImage, Promise<ImageFinding[]>>();
  return {
    ref: d.ref,
    detect(img: RgbImage, ctx: DetectContext): Promise<ImageFinding[]> {
      let p = seen.get(img);
      if (!p) {
        p = d.detect(img, ctx);
        seen.set(img, p);
      }
      return p;
    },
    close: d.close ? () => d.close!() : undefined,
  };
}

export async function assembleDetectors(
  onnx: Detector[],
  analysis: AnalysisSettings | null,
): Promise<Detector[]> {
  if (!analysis) return onnx;
  const wanted =
    analysis.machineryModel === undefined ? ['nanodet_m_coco', 'yolox_nano_coco'] : [analysis.machineryModel];
  const machineryName = wanted.find((n) => n !== null && onnx.some((d) => d.ref.name === n));
  const models = onnx.map((d) => (d.ref.name === machineryName ? oncePerImage(d) : d));
  const machinery = models.find((d) => d.ref.name === machineryName);
  const rules = analysisDetectors({
    ...(machinery ? { machinery } : {}),
    ...(analysis.withoutChange ? { withoutChange: true } : {}),
  });
  return [...models, ...rules];
}
