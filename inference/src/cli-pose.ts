/**
 * `aerie detect --pose`: the camera pose given on the command line, checked with the frame
 * contract's schemas, and the placement of each finding on the ground through the
 * georeferencing in ./geo (flat ground at the take-off elevation, altMslM - altRelM, or the
 * terrain of `--dem`).
 */

import { readFile } from 'node:fs/promises';
import {
  CameraIntrinsics,
  type FrameMeta,
  FramePose,
  GimbalAttitude,
  type ImageFinding,
} from '@aerie/contracts';
import { demGround, type Ground, parseAsciiGrid } from '@aerie/missions';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { georeferenceFinding } from './geo/index.ts';

const PoseOption = Type.Object(
  {
    pose: FramePose,
    gimbal: GimbalAttitude,
    camera: Type.Object(
      {
        hfovDeg: CameraIntrinsics.properties.hfovDeg,
        width: Type.Optional(CameraIntrinsics.properties.width),
        height: Type.Optional(CameraIntrinsics.properties.height),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export interface PoseForFiles {
  pose: FrameMeta['pose'];
  gimbal: FrameMeta['gimbal'];
  camera: { hfovDeg: number; width?: number; height?: number };
}

/** Parses `--pose` (JSON text, or `@path` to a JSON file); the error names the field. */
export async function parsePoseOption(
  text: string,
): Promise<{ ok: true; meta: PoseForFiles } | { ok: false; error: string }> {
  let raw: unknown;
  try {
    raw = JSON.parse(text.startsWith('@') ? await readFile(text.slice(1), 'utf8') : text);
  } catch (err) {
    return { ok: false, error: `not readable JSON: ${err instanceof Error ? err.message : err}` };
  }
  if (!Value.Check(PoseOption, raw)) {
    const e = Value.Errors(PoseOption, raw)[0];
    return { ok: false, error: `${e?.instancePath || '/'}: ${e?.message ?? 'does not match'}` };
  }
  return { ok: true, meta: raw as PoseForFiles };
}

/** Ground position of a finding's box centre, or why there is none. */
export function locateFinding(
  p: PoseForFiles,
  box: ImageFinding['box'],
  width: number,
  height: number,
  ground?: Ground,
): { lat: number; lon: number; errorM: number } | { geoError: string } {
  const frame: FrameMeta = {
    vehicleId: 'cli',
    capturedAtMs: 0,
    pose: p.pose,
    gimbal: p.gimbal,
    camera: { hfovDeg: p.camera.hfovDeg, width: p.camera.width ?? width, height: p.camera.height ?? height },
  };
  const finding: ImageFinding = {
    category: 'other',
    label: 'box',
    score: 0,
    box,
    detector: { name: 'cli', version: '0', kind: 'onnx' },
  };
  const r = georeferenceFinding(finding, frame, {
    imageSize: { width, height },
    ...(ground ? { ground } : {}),
  });
  if (!r.ok) return { geoError: r.error.message };
  const { lat, lon, errorM } = r.finding.location;
  return {
    lat: Math.round(lat * 1e7) / 1e7,
    lon: Math.round(lon * 1e7) / 1e7,
    errorM: Math.round(errorM * 10) / 10,
  };
}

/** Reads `--dem` (an ESRI ASCII grid); the error names the file and what is wrong. */
export async function readDemOption(
  file: string,
): Promise<{ ok: true; ground: Ground } | { ok: false; error: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, error: `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})` };
  }
  const parsed = parseAsciiGrid(text);
  return parsed.ok
    ? { ok: true, ground: demGround(parsed.grid) }
    : { ok: false, error: `${file}: not an ESRI ASCII grid: ${parsed.error}` };
}
