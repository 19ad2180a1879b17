import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadModels, REPO_MANIFESTS_DIR, readModelSpecs, resolveModelsDir } from './registry.ts';
import { MODELS_DIR } from './test/paths.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aerie-registry-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const yoloxManifest = async () =>
  JSON.parse(await readFile(join(REPO_MANIFESTS_DIR, 'yolox_nano_coco.json'), 'utf8'));

describe('model registry', () => {
  it("reads the repository's manifests for the shared models", async () => {
    const { specs, failed } = await readModelSpecs({ modelsDir: MODELS_DIR });
    expect(failed).toEqual([]);
    expect(specs.map((s) => s.manifest.name).sort()).toEqual([
      'fire_smoke_yolov8n_int8_demo',
      'nanodet_m_coco',
      'yolox_nano_coco',
    ]);
    const yolox = specs.find((s) => s.manifest.name === 'yolox_nano_coco')!;
    expect(yolox.labels).toHaveLength(80);
    expect(yolox.modelPath).toBe(join(MODELS_DIR, 'yolox_nano_coco', 'model.onnx'));
  });

  it('reports each bad manifest with its file and what is wrong, and loads the good one', async () => {
    const good = await yoloxManifest();
    await writeFile(join(dir, 'yolox_nano_coco.json'), JSON.stringify(good));
    await writeFile(join(dir, 'broken.json'), '{ "name": ');
    await writeFile(
      join(dir, 'nofile.json'),
      JSON.stringify({ ...good, name: 'nofile', file: 'nowhere/model.onnx' }),
    );
    await writeFile(join(dir, 'badfmt.json'), JSON.stringify({ ...good, name: 'badfmt', format: 'yolov5' }));
    await writeFile(
      join(dir, 'badcat.json'),
      JSON.stringify({ ...good, name: 'badcat', categories: { excavator: 'construction' } }),
    );
    const { loaded, failed } = await loadModels({ modelsDir: MODELS_DIR, manifestsDir: dir });
    expect(loaded.map((d) => d.ref.name)).toEqual(['yolox_nano_coco']);
    const byName = Object.fromEntries(failed.map((f) => [f.name, f]));
    expect(byName.broken!.file).toBe(join(dir, 'broken.json'));
    expect(byName.broken!.error).toMatch(/not readable JSON/);
    expect(byName.nofile!.error).toBe(
      `${join(MODELS_DIR, 'nowhere', 'model.onnx')}: model file not found (named by ${join(dir, 'nofile.json')})`,
    );
    expect(byName.badfmt!.error).toMatch(/\/format/);
    expect(byName.badcat!.error).toMatch(/\/categories\/excavator: not one of the model's labels/);
    for (const d of loaded) await d.close();
  });

  it("refuses a model whose output shape does not match its manifest's head, naming both shapes", async () => {
    const good = await yoloxManifest();
    // The YOLOX file described as a two-class YOLOv8 head.
    await writeFile(
      join(dir, 'wrong_head.json'),
      JSON.stringify({
        ...good,
        name: 'wrong_head',
        format: 'yolov8',
        labels: ['a', 'b'],
        categories: { a: 'other' },
      }),
    );
    const { loaded, failed } = await loadModels({ modelsDir: MODELS_DIR, manifestsDir: dir });
    expect(loaded).toEqual([]);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.file).toBe(join(MODELS_DIR, 'yolox_nano_coco', 'model.onnx'));
    expect(failed[0]!.error).toMatch(
      /output output has shape \[1,3549,85\], a yolov8 head with 2 labels at 416x416 needs \[1,6,3549\]/,
    );
  });

  it('refuses a file that is not an ONNX model', async () => {
    const good = await yoloxManifest();
    await mkdir(join(dir, 'models', 'fake'), { recursive: true });
    await writeFile(join(dir, 'models', 'fake', 'model.onnx'), 'not a model');
    await writeFile(
      join(dir, 'models', 'fake', 'labels.txt'),
      await readFile(join(MODELS_DIR, 'yolox_nano_coco', 'labels.txt')),
    );
    // An in-folder manifest: paths relative to its own folder.
    await writeFile(
      join(dir, 'models', 'fake', 'manifest.json'),
      JSON.stringify({ ...good, name: 'fake', file: 'model.onnx', labels: { file: 'labels.txt' } }),
    );
    const { loaded, failed } = await loadModels({
      modelsDir: join(dir, 'models'),
      manifestsDir: join(dir, 'none'),
    });
    expect(loaded).toEqual([]);
    expect(failed[0]!.error).toMatch(
      new RegExp(`^${join(dir, 'models', 'fake', 'model.onnx')}: not a loadable ONNX model`),
    );
  });

  it('an in-folder manifest wins over the repository manifest of the same name', async () => {
    const good = await yoloxManifest();
    await writeFile(join(dir, 'yolox_nano_coco.json'), JSON.stringify({ ...good, scoreThreshold: 0.9 }));
    const modelsDir = join(dir, 'models');
    await mkdir(join(modelsDir, 'yolox_nano_coco'), { recursive: true });
    await writeFile(
      join(modelsDir, 'yolox_nano_coco', 'manifest.json'),
      JSON.stringify({
        ...good,
        file: join(MODELS_DIR, 'yolox_nano_coco', 'model.onnx'),
        labels: { file: join(MODELS_DIR, 'yolox_nano_coco', 'labels.txt') },
        scoreThreshold: 0.2,
        version: 'local-1',
      }),
    );
    const { specs, failed } = await readModelSpecs({ modelsDir, manifestsDir: dir });
    expect(failed).toEqual([]);
    expect(specs.map((s) => [s.manifest.scoreThreshold, s.version])).toEqual([[0.2, 'local-1']]);
  });

  it('AERIE_MODELS_DIR wins; otherwise ../shared/models beside the repository when it exists', () => {
    expect(resolveModelsDir('/somewhere/models')).toBe('/somewhere/models');
    expect(resolveModelsDir(undefined)).toBe(MODELS_DIR);
    expect(resolveModelsDir(undefined, join(dir, 'repo'))).toBeUndefined();
  });
});
