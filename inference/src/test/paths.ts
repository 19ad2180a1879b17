/** Where tests find the shared models and samples: beside the repository, never copied into it. */
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../registry.ts';

export const SHARED = resolve(REPO_ROOT, '..', 'shared');
export const MODELS_DIR = join(SHARED, 'models');
export const SAMPLES_DIR = join(SHARED, 'samples');
export const sample = (category: string, file: string) => join(SAMPLES_DIR, category, file);

/** Intersection over union of two `[x, y, w, h]` boxes. */
export function boxIou(a: readonly number[], b: readonly number[]): number {
  const ix = Math.min(a[0]! + a[2]!, b[0]! + b[2]!) - Math.max(a[0]!, b[0]!);
  const iy = Math.min(a[1]! + a[3]!, b[1]! + b[3]!) - Math.max(a[1]!, b[1]!);
  if (ix <= 0 || iy <= 0) return 0;
  return (ix * iy) / (a[2]! * a[3]! + b[2]! * b[3]! - ix * iy);
}
