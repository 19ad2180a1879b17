/**
 * The model registry: which ONNX models Aerie runs, read from manifests.
 *
 * Models live in a models folder (`AERIE_MODELS_DIR`; by default `../shared/models` beside
 * the repository), one folder per model. Aerie's manifests for them live in the repository
 * (`inference/models/<name>.json`, paths relative to the models folder) so the models folder
 * is never written to; a `manifest.json` inside a model folder (paths relative to that folder)
 * takes precedence over the repository's manifest of the same name.
 *
 * Loading never stops at the first bad model: each failure is reported with the file and what
 * is wrong, and the other models load.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkLabelsAgainstManifest,
  checkManifest,
  type ModelManifest,
  parseLabels,
} from './onnx/manifest.ts';
import { type ModelSpec, OnnxDetector, type SessionOptions } from './onnx/onnx-detector.ts';

/** The repository's root (this file is inference/src/registry.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where Aerie's own manifests live. */
export const REPO_MANIFESTS_DIR = join(REPO_ROOT, 'inference', 'models');

export interface RegistryConfig {
  /** The folder holding one folder per model. */
  modelsDir: string;
  /** Aerie's manifests (default: inference/models in the repository). */
  manifestsDir?: string;
  /** Load only these model names (default: all). */
  only?: readonly string[];
}

export interface ModelLoadFailure {
  /** The model's name when known, else the manifest's file name. */
  name: string;
  /** The file at fault (manifest, labels or model). */
  file: string;
  error: string;
}

/**
 * The models folder: `AERIE_MODELS_DIR` when given, else `<repo>/../shared/models` when it
 * exists. The caller passes the environment value (only entry points read the environment).
 */
export function resolveModelsDir(envValue: string | undefined, repoRoot = REPO_ROOT): string | undefined {
  if (envValue) return resolve(envValue);
  const beside = resolve(repoRoot, '..', 'shared', 'models');
  return existsSync(beside) ? beside : undefined;
}

async function sha256Prefix(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex')
    .slice(0, 12);
}

interface ManifestSource {
  path: string;
  /** Folder the manifest's relative paths start from. */
  base: string;
}

async function listManifests(cfg: RegistryConfig): Promise<Map<string, ManifestSource>> {
  const byName = new Map<string, ManifestSource>();
  const manifestsDir = cfg.manifestsDir ?? REPO_MANIFESTS_DIR;
  if (existsSync(manifestsDir)) {
    for (const f of (await readdir(manifestsDir)).sort()) {
      if (f.endsWith('.json'))
        byName.set(f.slice(0, -5), { path: join(manifestsDir, f), base: cfg.modelsDir });
    }
  }
  if (existsSync(cfg.modelsDir)) {
    for (const entry of (await readdir(cfg.modelsDir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const inFolder = join(cfg.modelsDir, entry.name, 'manifest.json');
      if (entry.isDirectory() && existsSync(inFolder)) {
        byName.set(entry.name, { path: inFolder, base: join(cfg.modelsDir, entry.name) });
      }
    }
  }
  return byName;
}

async function readSpec(src: ManifestSource): Promise<ModelSpec> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(src.path, 'utf8'));
  } catch (err) {
    throw new Error(`${src.path}: not readable JSON: ${err instanceof Error ? err.message : err}`);
  }
  const checked = checkManifest(raw);
  if (!checked.ok) throw new Error(`${src.path}: ${checked.error}`);
  const m: ModelManifest = checked.manifest;
  const at = (p: string) => (isAbsolute(p) ? p : join(src.base, p));
  const modelPath = at(m.file);
  if (!existsSync(modelPath)) throw new Error(`${modelPath}: model file not found (named by ${src.path})`);
  let labels: string[];
  if (Array.isArray(m.labels)) labels = m.labels;
  else {
    const labelsPath = at(m.labels.file);
    try {
      labels = parseLabels(await readFile(labelsPath, 'utf8'));
    } catch (err) {
      throw new Error(`${labelsPath}: labels not readable: ${err instanceof Error ? err.message : err}`);
    }
  }
  const bad = checkLabelsAgainstManifest(m, labels);
  if (bad) throw new Error(`${src.path}: ${bad}`);
  return { manifest: m, labels, modelPath, version: m.version ?? (await sha256Prefix(modelPath)) };
}

/** Reads and checks every manifest (no sessions): what a worker needs to open the models. */
export async function readModelSpecs(
  cfg: RegistryConfig,
): Promise<{ specs: ModelSpec[]; failed: ModelLoadFailure[] }> {
  const specs: ModelSpec[] = [];
  const failed: ModelLoadFailure[] = [];
  const sources = await listManifests(cfg);
  for (const [name, src] of sources) {
    if (cfg.only && !cfg.only.includes(name)) continue;
    try {
      specs.push(await readSpec(src));
    } catch (err) {
      failed.push({ name, file: src.path, error: err instanceof Error ? err.message : String(err) });
    }
  }
  for (const name of cfg.only ?? []) {
    if (!sources.has(name))
      failed.push({
        name,
        file: cfg.manifestsDir ?? REPO_MANIFESTS_DIR,
        error: `no manifest for model ${name}`,
      });
  }
  return { specs, failed };
}

/** Opens sessions for specs; a model that fails is reported and the others still open. */
export async function openModels(
  specs: readonly ModelSpec[],
  opts: SessionOptions = {},
): Promise<{ loaded: OnnxDetector[]; failed: ModelLoadFailure[] }> {
  const loaded: OnnxDetector[] = [];
  const failed: ModelLoadFailure[] = [];
  for (const spec of specs) {
    try {
      loaded.push(await OnnxDetector.open(spec, opts));
    } catch (err) {
      failed.push({
        name: spec.manifest.name,
        file: spec.modelPath,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return { loaded, failed };
}

/** Manifests, then sessions: every model that can run, and why each other one cannot. */
export async function loadModels(
  cfg: RegistryConfig,
  opts: SessionOptions = {},
): Promise<{ loaded: OnnxDetector[]; failed: ModelLoadFailure[] }> {
  const { specs, failed } = await readModelSpecs(cfg);
  const opened = await openModels(specs, opts);
  return { loaded: opened.loaded, failed: [...failed, ...opened.failed] };
}
