/**
 * The person screener of evidence images (the adapter for tickets/core/redaction.ts): a COCO
 * detector from the model registry finds persons, sharp blurs the padded boxes into a
 * derivative of the same media type. Detection runs on the main thread, one image at a time
 * (the desk queues them); evidence images are few next to camera frames.
 */
import type { DetectorRef } from '@aerie/contracts';
import { type Detector, decodeImage, loadModels } from '@aerie/inference';
import sharp from 'sharp';
import { blurSigma, type PixelBox, type Region, redactionRegions } from './core/redaction.ts';

export type ScreenOutcome =
  | { kind: 'clear'; detector: DetectorRef }
  | {
      kind: 'blurred';
      detector: DetectorRef;
      /** The derivative's bytes, same media type as the original. */
      bytes: Uint8Array;
      persons: PixelBox[];
      regions: Region[];
    };

/** Looks for persons in an evidence image; rejects when the file cannot be screened. */
export interface EvidenceScreener {
  readonly detector: DetectorRef;
  screen(bytes: Uint8Array, mime: string): Promise<ScreenOutcome>;
  close(): Promise<void>;
}

/** A screener over any detector whose findings include category 'person'. */
export function personScreener(detector: Detector): EvidenceScreener {
  return {
    detector: detector.ref,
    async screen(bytes, mime) {
      const img = await decodeImage(bytes);
      const persons = (await detector.detect(img, {}))
        .filter((f) => f.category === 'person')
        .map((f) => [...f.box] as unknown as PixelBox);
      if (persons.length === 0) return { kind: 'clear', detector: detector.ref };
      const regions = redactionRegions(persons, img);
      return {
        kind: 'blurred',
        detector: detector.ref,
        bytes: await blurRegions(bytes, mime, regions),
        persons,
        regions,
      };
    },
    close: async () => detector.close?.(),
  };
}

/** The image with each region blurred (gaussian, strength by size), encoded as `mime`. */
export async function blurRegions(
  bytes: Uint8Array,
  mime: string,
  regions: readonly Region[],
): Promise<Uint8Array> {
  const patches = await Promise.all(
    regions.map(async (r) => ({
      // Lossless between the steps; only the final encoding is lossy (for JPEG/WebP).
      input: await sharp(bytes).extract(r).blur(blurSigma(r)).png().toBuffer(),
      left: r.left,
      top: r.top,
    })),
  );
  const out = sharp(bytes).composite(patches);
  const encoded =
    mime === 'image/png'
      ? out.png()
      : mime === 'image/webp'
        ? out.webp({ quality: 92 })
        : out.jpeg({ quality: 92, mozjpeg: true });
  return new Uint8Array(await encoded.toBuffer());
}

/**
 * Opens the person model `model` from `modelsDir`: the screener, or why there is none (the
 * caller logs it; evidence is then stored as not screened).
 */
export async function loadEvidenceScreener(
  modelsDir: string,
  model: string,
): Promise<{ ok: true; screener: EvidenceScreener } | { ok: false; error: string }> {
  const { loaded, failed } = await loadModels({ modelsDir, only: [model] });
  const detector = loaded[0];
  if (!detector)
    return {
      ok: false,
      error: failed.map((f) => `${f.file}: ${f.error}`).join('; ') || `model ${model} not loaded`,
    };
  return { ok: true, screener: personScreener(detector) };
}
