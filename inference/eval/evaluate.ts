/**
 * Detection quality on ../shared/samples: image-level precision and recall per category for
 * every detector (the ONNX models of the registry and the image-analysis rules).
 *
 *   node --import tsx inference/eval/evaluate.ts [--samples DIR] [--models DIR] [--json] [--update-readme]
 *
 * Ground truth is the folder: an image in samples/<category>/ shows that category; every image in
 * any other folder (including negative/) does not. A detector "reports" a category on an image
 * when any of its findings of that category scores at or above the operating point. Two points
 * are measured, taken from the ticket desk's default policy (server tickets, DEFAULT_CATEGORY_POLICY):
 *  - triage: the score from which a finding is put in front of a person (0.25 / 0.3 / 0.3);
 *  - auto: the score from which a ticket is filed without a person (0.6 / 0.8 / 0.75).
 * Precision = images correctly reported / images reported; recall = images correctly reported /
 * images of the category. The samples are still images without a pose, so persistence cannot
 * confirm anything and change detection (which needs a baseline of the same ground) is not run.
 *
 * The sample set is tiny (7 fire/smoke, 5 construction, 3 river pollution, 4 negatives): one image
 * moves a figure by 14-33 points. The figures say what a detector does on these pictures, not how
 * it would do in the field. Nothing is tuned on them: thresholds live in
 * inference/src/analysis/thresholds.ts and in each model's manifest.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingCategory, ImageFinding } from '@aerie/contracts';
import { assembleDetectors } from '../src/assemble.ts';
import type { Detector } from '../src/detector.ts';
import { decodeImage } from '../src/image.ts';
import type { OnnxDetector } from '../src/onnx/onnx-detector.ts';
import { loadModels } from '../src/registry.ts';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export const CATEGORIES = ['fire_smoke', 'construction', 'river_pollution'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Operating points, mirroring the ticket desk's default policy (keep in step with it). */
export const OPERATING_POINTS: Record<'triage' | 'auto', Record<Category, number>> = {
  triage: { fire_smoke: 0.25, construction: 0.3, river_pollution: 0.3 },
  auto: { fire_smoke: 0.6, construction: 0.8, river_pollution: 0.75 },
};

export interface Sample {
  file: string;
  truth: string;
}

export interface Row {
  detector: string;
  category: Category;
  point: 'triage' | 'auto';
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number;
}

/** The sample images by folder. */
export function listSamples(dir: string): Sample[] {
  const out: Sample[] = [];
  for (const folder of readdirSync(dir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const f of readdirSync(join(dir, folder.name)).sort()) {
      if (/\.(jpe?g|png|webp)$/i.test(f)) out.push({ file: join(dir, folder.name, f), truth: folder.name });
    }
  }
  return out;
}

/** Image-level precision and recall of one detector's findings per image. */
export function score(
  detector: string,
  samples: readonly Sample[],
  findings: readonly (readonly ImageFinding[])[],
  categories: readonly Category[],
): Row[] {
  const rows: Row[] = [];
  for (const point of ['triage', 'auto'] as const) {
    for (const category of categories) {
      const min = OPERATING_POINTS[point][category];
      let [tp, fp, fn] = [0, 0, 0];
      samples.forEach((s, i) => {
        const reported = findings[i]!.some((f) => f.category === category && f.score >= min);
        const truth = s.truth === category;
        if (reported && truth) tp++;
        else if (reported) fp++;
        else if (truth) fn++;
      });
      rows.push({
        detector,
        category,
        point,
        tp,
        fp,
        fn,
        precision: tp + fp === 0 ? null : tp / (tp + fp),
        recall: tp + fn === 0 ? 0 : tp / (tp + fn),
      });
    }
  }
  return rows;
}

/** Which categories a detector can report at all (a COCO model has no fire class: no row for it). */
function categoriesOf(d: Detector, models: readonly OnnxDetector[]): Category[] {
  // Look the model up by name: the pipeline may hand out a wrapper of it.
  const onnx = models.find((m) => m.ref.name === d.ref.name);
  if (onnx) {
    const cats = new Set(Object.values(onnx.spec.manifest.categories ?? {}) as FindingCategory[]);
    return CATEGORIES.filter((c) => cats.has(c));
  }
  const byRule: Record<string, Category[]> = {
    'fire-colour': ['fire_smoke'],
    'construction-colour': ['construction'],
    'water-debris': ['river_pollution'],
  };
  return byRule[d.ref.name] ?? [...CATEGORIES];
}

const baseLabel = (label: string) => label.replace(/-unconfirmed$/, '');

const pct = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v * 100)}%`);

export function markdown(rows: readonly Row[], samples: readonly Sample[]): string {
  const count = (c: string) => samples.filter((s) => s.truth === c).length;
  const lines = [
    `Samples: ${CATEGORIES.map((c) => `${c} ${count(c)}`).join(', ')}, negative ${count('negative')} (${samples.length} images).`,
    '',
    '| detector | category | at triage score: precision | recall | at auto-ticket score: precision | recall |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const keys = [...new Set(rows.map((r) => `${r.detector}\u0000${r.category}`))];
  for (const key of keys) {
    const [detector, category] = key.split('\u0000') as [string, Category];
    const t = rows.find((r) => r.detector === detector && r.category === category && r.point === 'triage')!;
    const a = rows.find((r) => r.detector === detector && r.category === category && r.point === 'auto')!;
    const cell = (r: Row) => [
      `${pct(r.precision)} (${r.tp}/${r.tp + r.fp})`,
      `${pct(r.recall)} (${r.tp}/${r.tp + r.fn})`,
    ];
    lines.push(`| ${detector} | ${category} | ${[...cell(t), ...cell(a)].join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const samplesDir = resolve(opt('--samples') ?? join(REPO, '..', 'shared', 'samples'));
  const modelsDir = resolve(opt('--models') ?? join(REPO, '..', 'shared', 'models'));
  const samples = listSamples(samplesDir);
  if (samples.length === 0) throw new Error(`${samplesDir}: no sample images`);

  const { loaded, failed } = await loadModels(
    { modelsDir },
    { intraOpNumThreads: Math.min(2, availableParallelism()) },
  );
  for (const f of failed)
    process.stderr.write(`evaluate: model ${f.name} not loaded (${f.file}): ${f.error}\n`);
  // Put together as the pipeline and the CLI do (a COCO model lent to the construction rule).
  const detectors: Detector[] = await assembleDetectors(loaded, { withoutChange: true });

  const perDetector: ImageFinding[][][] = detectors.map(() => []);
  for (const s of samples) {
    const img = await decodeImage(readFileSync(s.file));
    for (const [i, d] of detectors.entries()) perDetector[i]!.push(await d.detect(img, {}));
  }
  const rows: Row[] = [];
  for (const [i, d] of detectors.entries()) {
    const cats = categoriesOf(d, loaded);
    if (cats.length > 0) rows.push(...score(d.ref.name, samples, perDetector[i]!, cats));
    // A rule with several labels: one row per label too (`flame-unconfirmed` counts as `flame`).
    if (d.ref.kind !== 'image-analysis') continue;
    const labels = [...new Set(perDetector[i]!.flat().map((f) => baseLabel(f.label)))].sort();
    if (labels.length < 2) continue;
    for (const label of labels) {
      const only = perDetector[i]!.map((fs) => fs.filter((f) => baseLabel(f.label) === label));
      rows.push(...score(`${d.ref.name}: ${label}`, samples, only, cats));
    }
  }
  // All detectors together: a category is reported when any detector reports it.
  const union = samples.map((_, j) => detectors.flatMap((_, i) => perDetector[i]![j]!));
  rows.push(...score('any detector', samples, union, CATEGORIES));
  for (const d of detectors) await d.close?.();

  const table = markdown(rows, samples);
  if (args.includes('--json'))
    process.stdout.write(`${JSON.stringify({ rows, samples: samples.length }, null, 2)}\n`);
  else process.stdout.write(`${table}\n`);
  if (args.includes('--update-readme')) {
    const path = join(REPO, 'README.md');
    const readme = readFileSync(path, 'utf8');
    const start = '<!-- detection-quality:start -->';
    const end = '<!-- detection-quality:end -->';
    const a = readme.indexOf(start);
    const b = readme.indexOf(end);
    if (a < 0 || b < a) throw new Error(`${path}: no ${start} ... ${end} markers`);
    writeFileSync(path, `${readme.slice(0, a + start.length)}\n${table}\n${readme.slice(b)}`);
    process.stderr.write(`evaluate: README.md table updated\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
