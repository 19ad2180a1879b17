/**
 * `aerie detect [--json] [--pose JSON] FILE...`: runs the model registry's ONNX models and the
 * image-analysis detectors on image files, in this process (a command-line run has no event
 * loop to protect; the server uses the worker pipeline).
 *
 * Output (`--json`): an array with, per file, `{ file, findings: [{ category, label, score,
 * box: [x, y, w, h] (original pixels), detector }] }`, or `{ file, error }` for a file that
 * cannot be read or decoded; the other files still get their results. With `--pose`, each
 * finding also gets `lat`, `lon` and `errorM`. Exit codes: 0 every file analysed, 1 some file
 * failed, 2 a usage error (bad --pose, no detector could load).
 *
 * Heavy modules (sharp, onnxruntime-node) are imported only when the command runs, so other
 * `aerie` commands do not pay for them.
 */
import type { Command } from 'commander';
import type { Detector } from './detector.ts';

export interface DetectCliOptions {
  json?: boolean;
  pose?: string;
  dem?: string;
  modelsDir?: string;
  model?: string[];
  analysis?: boolean;
}

export interface CliOutcome {
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

export interface FindingOut {
  category: string;
  label: string;
  score: number;
  box: [number, number, number, number];
  detector: { name: string; version: string; kind: string };
  lat?: number;
  lon?: number;
  errorM?: number;
  /** Why a finding with --pose has no ground position (ray above the horizon, ...). */
  geoError?: string;
}

export type FileResult =
  | { file: string; width: number; height: number; findings: FindingOut[] }
  | { file: string; error: string };

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/** Runs the command; `env` is the process environment (read here, the entry point). */
export async function runDetect(
  files: string[],
  o: DetectCliOptions,
  env: Record<string, string | undefined>,
): Promise<CliOutcome> {
  const { readFile } = await import('node:fs/promises');
  const { availableParallelism } = await import('node:os');
  const { decodeImage } = await import('./image.ts');
  const { loadModels, resolveModelsDir } = await import('./registry.ts');
  const { assembleDetectors } = await import('./assemble.ts');
  const { parsePoseOption, locateFinding, readDemOption } = await import('./cli-pose.ts');

  let stderr = '';
  if (files.length === 0)
    return { code: 2, stdout: '', stderr: 'aerie detect: name at least one image file\n' };
  let pose: Awaited<ReturnType<typeof parsePoseOption>> | undefined;
  if (o.pose !== undefined) {
    pose = await parsePoseOption(o.pose);
    if (!pose.ok) return { code: 2, stdout: '', stderr: `aerie detect: --pose: ${pose.error}\n` };
  }
  let ground: Awaited<ReturnType<typeof readDemOption>> | undefined;
  if (o.dem !== undefined) {
    if (!pose) return { code: 2, stdout: '', stderr: 'aerie detect: --dem needs --pose\n' };
    ground = await readDemOption(o.dem);
    if (!ground.ok) return { code: 2, stdout: '', stderr: `aerie detect: --dem: ${ground.error}\n` };
  }
  const modelsDir = o.modelsDir ?? resolveModelsDir(env.AERIE_MODELS_DIR);
  let detectors: Detector[] = [];
  if (modelsDir) {
    const { loaded, failed } = await loadModels(
      { modelsDir, only: o.model },
      { intraOpNumThreads: Math.min(4, availableParallelism()) },
    );
    detectors.push(...loaded);
    for (const f of failed) stderr += `aerie detect: model ${f.name} not loaded: ${f.error}\n`;
  } else {
    stderr +=
      'aerie detect: no models folder (set AERIE_MODELS_DIR); running image-analysis detectors only\n';
  }
  // Change detection needs a baseline of the same place from an earlier patrol: files given
  // together are no such sequence, so the CLI leaves it out.
  if (o.analysis !== false && !o.model)
    detectors = await assembleDetectors(detectors, { withoutChange: true });
  if (detectors.length === 0)
    return { code: 2, stdout: '', stderr: `${stderr}aerie detect: no detector could be loaded\n` };

  const results: FileResult[] = [];
  for (const file of files) {
    let img: Awaited<ReturnType<typeof decodeImage>>;
    try {
      img = await decodeImage(new Uint8Array(await readFile(file)));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EISDIR'
            ? 'is a folder, not an image'
            : err instanceof Error
              ? err.message
              : String(err);
      results.push({ file, error: `${file}: ${why}` });
      continue;
    }
    const findings: FindingOut[] = [];
    for (const d of detectors) {
      try {
        for (const f of await d.detect(img, { placeKey: file })) {
          const out: FindingOut = {
            category: f.category,
            label: f.label,
            score: round(f.score, 3),
            box: f.box.map((v) => round(v, 1)) as FindingOut['box'],
            detector: f.detector,
          };
          if (pose?.ok)
            Object.assign(
              out,
              locateFinding(pose.meta, f.box, img.width, img.height, ground?.ok ? ground.ground : undefined),
            );
          findings.push(out);
        }
      } catch (err) {
        stderr += `aerie detect: ${file}: detector ${d.ref.name} failed: ${err instanceof Error ? err.message : err}\n`;
      }
    }
    results.push({ file, width: img.width, height: img.height, findings });
  }
  for (const d of detectors) await d.close?.();
  const failedFiles = results.filter((r) => 'error' in r).length;
  let stdout: string;
  if (o.json) stdout = `[\n${results.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`;
  else {
    stdout = results
      .map((r) => {
        if ('error' in r) return `${r.file}: error: ${r.error}`;
        const lines = r.findings.map(
          (f) =>
            `  ${f.category.padEnd(15)} ${f.label.padEnd(14)} ${f.score.toFixed(2)}  [${f.box.join(', ')}]  ${f.detector.name}` +
            (f.lat !== undefined
              ? `  ${f.lat.toFixed(6)},${f.lon!.toFixed(6)} ±${f.errorM!.toFixed(1)} m`
              : ''),
        );
        return [`${r.file} (${r.width}x${r.height}): ${r.findings.length} finding(s)`, ...lines].join('\n');
      })
      .join('\n')
      .concat('\n');
  }
  for (const r of results) if ('error' in r) stderr += `aerie detect: ${r.error}\n`;
  return { code: failedFiles > 0 ? 1 : 0, stdout, stderr };
}

function emit(o: CliOutcome): void {
  if (o.stdout) process.stdout.write(o.stdout);
  if (o.stderr) process.stderr.write(o.stderr);
  process.exitCode = o.code;
}

export interface WorkerCliOptions {
  redisUrl?: string;
  modelsDir?: string;
  models: boolean;
  concurrency?: string;
  name?: string;
}

/**
 * `aerie inference-worker`: takes detection jobs off the Redis queue until SIGINT/SIGTERM.
 * Resolves with the exit code: 2 for a usage error (no Redis URL, bad concurrency, no models
 * folder), 1 when Redis cannot be reached or no model loads, 0 after a clean stop.
 */
export async function runInferenceWorker(
  o: WorkerCliOptions,
  env: Record<string, string | undefined>,
  out: { stdout: (s: string) => void; stderr: (s: string) => void },
  stopped: Promise<void>,
): Promise<0 | 1 | 2> {
  const { startInferenceWorker, WORKER_DEFAULTS } = await import('./queue/consumer.ts');
  const { resolveModelsDir } = await import('./registry.ts');
  const { checkRedisUrl, redactRedisUrl } = await import('./queue/redis.ts');
  const say = (s: string) => out.stderr(`aerie inference-worker: ${s}\n`);
  const redisUrl = o.redisUrl ?? env.AERIE_REDIS_URL;
  if (!redisUrl) {
    say('no Redis to take jobs from: give --redis-url or set AERIE_REDIS_URL (redis://host:port)');
    return 2;
  }
  const badUrl = checkRedisUrl(redisUrl);
  if (badUrl) {
    say(`--redis-url: ${badUrl}`);
    return 2;
  }
  const concurrency = Number(o.concurrency ?? WORKER_DEFAULTS.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
    say(`--concurrency must be an integer 1..16, got '${o.concurrency}'`);
    return 2;
  }
  let modelsDir: string | null = null;
  if (o.models) {
    modelsDir = o.modelsDir ?? resolveModelsDir(env.AERIE_MODELS_DIR) ?? null;
    if (!modelsDir) {
      say(
        'no models folder: give --models-dir or set AERIE_MODELS_DIR (or --no-models for the image-analysis rules only)',
      );
      return 2;
    }
    const { existsSync } = await import('node:fs');
    if (!existsSync(modelsDir)) {
      say(`models folder ${modelsDir} does not exist`);
      return 2;
    }
  }
  let running: Awaited<ReturnType<typeof startInferenceWorker>>;
  try {
    running = await startInferenceWorker({
      redisUrl,
      modelsDir,
      concurrency,
      ...(o.name ? { name: o.name } : {}),
      log: (msg, fields) => out.stderr(`aerie inference-worker: ${msg} ${JSON.stringify(fields ?? {})}\n`),
    });
  } catch (err) {
    say(err instanceof Error ? err.message : String(err));
    return 1;
  }
  for (const f of running.ready.failed) say(`model ${f.name} not loaded: ${f.file}: ${f.error}`);
  out.stdout(
    `aerie inference-worker ${running.name} ready on ${redactRedisUrl(redisUrl)} (concurrency ${concurrency}, detectors: ${running.ready.detectors.map((d) => d.name).join(', ')})\n`,
  );
  await stopped;
  await running.close();
  out.stdout(`aerie inference-worker ${running.name} stopped after ${running.answered()} frame(s)\n`);
  return 0;
}

/** Adds `aerie detect` and `aerie inference-worker` to the program. */
export function registerCommands(program: Command): void {
  program
    .command('inference-worker')
    .description(
      'Take detection jobs (camera frames) off the Redis queue the server fills when AERIE_REDIS_URL is set, and answer their findings; run as many as the machines allow',
    )
    .option('--redis-url <url>', 'the queue (AERIE_REDIS_URL), redis://host:port')
    .option('--models-dir <dir>', 'models folder (default: AERIE_MODELS_DIR, else ../shared/models)')
    .option('--no-models', 'run the image-analysis detectors only, no ONNX model')
    .option('--concurrency <n>', 'frames analysed at once, one worker thread each (default 1)')
    .option('--name <name>', 'this worker in answers and logs (default host:pid)')
    .action(async (o: WorkerCliOptions) => {
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      process.exitCode = await runInferenceWorker(
        o,
        process.env,
        { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) },
        stopped,
      );
    });

  program
    .command('detect')
    .description('find fire/smoke, construction, pollution, persons and vehicles in image files')
    .argument('<files...>', 'JPEG/PNG images')
    .option('--json', 'print JSON: per file { file, findings } or { file, error }')
    .option(
      '--pose <json>',
      'camera pose for every file, as JSON or @file: { "pose": {lat, lon, altMslM, altRelM, rollDeg, pitchDeg, yawDeg}, "gimbal": {pitchDeg, yawDeg, rollDeg}, "camera": {hfovDeg} }; adds lat, lon, errorM',
    )
    .option('--dem <file>', 'with --pose: terrain as an ESRI ASCII grid (.asc, WGS-84 degrees, metres MSL)')
    .option('--models-dir <dir>', 'models folder (default: AERIE_MODELS_DIR, else ../shared/models)')
    .option('--model <name...>', 'run only these ONNX models (and no image-analysis detector)')
    .option('--no-analysis', 'skip the image-analysis detectors')
    .action(async (files: string[], o: DetectCliOptions) => {
      emit(await runDetect(files, o, process.env));
    });
}
