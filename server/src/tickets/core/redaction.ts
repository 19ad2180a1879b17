/**
 * Persons in evidence (隐私遮挡): which parts of a frame are blurred before a department officer
 * sees it, and which file each caller is given.
 *
 * When an image is stored as evidence a person detector looks at it (asynchronously, after the
 * record is chained). Its person boxes, padded, are blurred into a derivative stored as its own
 * chained record (kind 'redacted') and linked from the original's row. Callers allowed to see
 * originals (`evidence.original`: command centre, administrators) always get the original;
 * everyone else gets the original only when screening found nobody, the derivative when it
 * blurred someone, and a notice (no image) while screening is pending or when it could not run
 * (no person model installed, an undecodable file, a video). An unscreened original is never
 * served to them.
 */

/** A box in image pixels: left, top, width, height (as detectors answer). */
export type PixelBox = readonly [number, number, number, number];

/** A whole-pixel rectangle inside the image (sharp's extract region). */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const SCREENING_STATES = ['pending', 'clear', 'blurred', 'not_screened', 'not_applicable'] as const;
export type Screening = (typeof SCREENING_STATES)[number];

/** The evidence kind of a blurred derivative. */
export const REDACTED_KIND = 'redacted';

export interface PadOptions {
  /** Padding on each side as a fraction of the box's larger side (default 0.2). */
  padFraction?: number;
  /** At least this many pixels of padding on each side (default 6). */
  minPadPx?: number;
}

/**
 * The regions to blur for person boxes: each box padded on every side, rounded outwards to
 * whole pixels and clipped to the image. Boxes wholly outside the image or without area give
 * no region. Throws on an image size that is not a positive integer (a bug upstream).
 */
export function redactionRegions(
  boxes: readonly PixelBox[],
  image: { width: number; height: number },
  opts: PadOptions = {},
): Region[] {
  const { width: W, height: H } = image;
  if (!Number.isInteger(W) || !Number.isInteger(H) || W < 1 || H < 1)
    throw new Error(`image size ${W}x${H} is not a positive integer size`);
  const frac = opts.padFraction ?? 0.2;
  const minPad = opts.minPadPx ?? 6;
  const out: Region[] = [];
  for (const [x, y, w, h] of boxes) {
    if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) continue;
    const pad = Math.max(minPad, frac * Math.max(w, h));
    const left = Math.max(0, Math.floor(x - pad));
    const top = Math.max(0, Math.floor(y - pad));
    const right = Math.min(W, Math.ceil(x + w + pad));
    const bottom = Math.min(H, Math.ceil(y + h + pad));
    if (right <= left || bottom <= top) continue;
    out.push({ left, top, width: right - left, height: bottom - top });
  }
  return out;
}

/** Blur strength for a region: strong enough that a face or figure is not recognisable. */
export function blurSigma(r: Region): number {
  return Math.min(80, Math.max(6, 0.12 * Math.max(r.width, r.height)));
}

/** What a caller gets for one evidence record. */
export type EvidenceAccess = 'original' | 'redacted' | 'notice';

/**
 * Which file a caller may see: `mayOriginal` for holders of `evidence.original`. A derivative
 * is itself safe to show; an original only once screening found nobody in it.
 */
export function evidenceAccess(
  e: { kind: string; screening: string; redactedSeq: number | null },
  mayOriginal: boolean,
): EvidenceAccess {
  if (mayOriginal || e.kind === REDACTED_KIND) return 'original';
  if (e.screening === 'clear') return 'original';
  if (e.screening === 'blurred' && e.redactedSeq !== null) return 'redacted';
  return 'notice';
}

/** Whether a stored file is one the person detector can look at. */
export const isScreenable = (mime: string): boolean => /^image\/(jpeg|png|webp)$/.test(mime);
