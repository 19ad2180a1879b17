/**
 * Scenes for the simulated camera: one georeferenced image (any format sharp reads) with its
 * bounds, or the demo scene around the simulated docks, built from the sample photos beside the
 * project (`<repo>/../shared/samples` unless configured): aerial photos of streets tiled as
 * ground, and incident photos (fire and smoke, construction, floating waste) pasted at known
 * places that tests and demos can read back from `DemoScene.incidents`. A planted incident can
 * be removed (the ground under it shows again: a fire put out, a site cleared) and restored at
 * run time, for verification flights to find it gone (`DemoScene.setPresent`).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type OverlayOptions } from 'sharp';
import { offsetLatLon } from '../sim/geo.ts';
import type { Scene } from './render.ts';

/** `<repo>/../shared/samples`: where the sample photos live unless configured otherwise. */
export const DEFAULT_SAMPLES_DIR = fileURLToPath(new URL('../../../../shared/samples/', import.meta.url));

export interface SceneImageOptions {
  image: string;
  bounds: Scene['bounds'];
  elevationMslM: number;
}

/** Loads one georeferenced image as a scene. Throws naming the file or the bounds when wrong. */
export async function loadSceneImage(opts: SceneImageOptions): Promise<Scene> {
  const { north, south, east, west } = opts.bounds;
  if (!(north > south) || !(east > west))
    throw new Error(
      `scene bounds: north must exceed south and east exceed west, got ${JSON.stringify(opts.bounds)}`,
    );
  const { data, info } = await sharp(opts.image)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: Error) => {
      throw new Error(`scene image ${opts.image}: ${err.message}`);
    });
  return {
    rgb: data,
    width: info.width,
    height: info.height,
    bounds: opts.bounds,
    elevationMslM: opts.elevationMslM,
  };
}

export type IncidentCategory = 'fire_smoke' | 'construction' | 'river_pollution';

/** An incident photo pasted into the demo scene: its centre and its size on the ground. */
export interface PlantedIncident {
  category: IncidentCategory;
  file: string;
  lat: number;
  lon: number;
  widthM: number;
  heightM: number;
}

export interface DemoScene {
  scene: Scene;
  incidents: PlantedIncident[];
  /** Whether incident `index` is in the scene now (all are at the start). */
  isPresent(index: number): boolean;
  /**
   * Removes (false) or restores (true) incident `index` in the scene's pixels; the next frame
   * rendered shows it. Throws naming the index when there is no such incident.
   */
  setPresent(index: number, present: boolean): void;
}

/** A rectangle of raw RGB pixels and where it sits in the scene. */
interface Patch {
  left: number;
  top: number;
  width: number;
  height: number;
  rgb: Buffer;
}

/** Copies a patch into (`into` true) or out of the scene's raw RGB, clipped to the scene. */
function copyPatch(
  scene: { rgb: Uint8Array | Buffer; width: number; height: number },
  p: Patch,
  into: boolean,
) {
  for (let y = Math.max(0, p.top); y < Math.min(scene.height, p.top + p.height); y++) {
    const x0 = Math.max(0, p.left);
    const x1 = Math.min(scene.width, p.left + p.width);
    if (x1 <= x0) return;
    const s = (y * scene.width + x0) * 3;
    const q = ((y - p.top) * p.width + (x0 - p.left)) * 3;
    const n = (x1 - x0) * 3;
    if (into) scene.rgb.set(p.rgb.subarray(q, q + n), s);
    else p.rgb.set(scene.rgb.subarray(s, s + n), q);
  }
}

export interface DemoSceneOptions {
  /** Where the sample photos are (folders negative/, fire_smoke/, construction/, river_pollution/). */
  samplesDir?: string;
  /** The places to plant an incident near (the docks); one incident each, categories in turn. */
  sites: { lat: number; lon: number }[];
  /** Ground elevation, metres above mean sea level. */
  elevationMslM: number;
  /** Metres of ground around the sites' bounding box; default 250. */
  marginM?: number;
  /** Ground resolution, metres per pixel; default 0.3. */
  metresPerPixel?: number;
  /** Metres an aerial photo covers as one ground tile; default 120. */
  tileM?: number;
}

const CATEGORIES: IncidentCategory[] = ['fire_smoke', 'construction', 'river_pollution'];
/** Where an incident sits relative to its site: 60 m north, 40 m east, 40 m x 30 m. */
export const INCIDENT_OFFSET = { northM: 60, eastM: 40, widthM: 40, heightM: 30 } as const;

function jpegsIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new Error(`demo scene: cannot read ${dir} (${(err as Error).message}); set the samples folder`);
  }
  const files = names.filter((n) => /\.(jpe?g|png)$/i.test(n)).sort();
  if (files.length === 0) throw new Error(`demo scene: no photos in ${dir}`);
  return files.map((n) => path.join(dir, n));
}

/** Builds the demo scene around `sites`. */
export async function buildDemoScene(opts: DemoSceneOptions): Promise<DemoScene> {
  if (opts.sites.length === 0) throw new Error('demo scene: needs at least one site');
  const samples = opts.samplesDir ?? DEFAULT_SAMPLES_DIR;
  const margin = opts.marginM ?? 250;
  const mpp = opts.metresPerPixel ?? 0.3;
  const tileM = opts.tileM ?? 120;
  const lats = opts.sites.map((s) => s.lat);
  const lons = opts.sites.map((s) => s.lon);
  const [south] = offsetLatLon(Math.min(...lats), Math.min(...lons), -margin, 0);
  const [north] = offsetLatLon(Math.max(...lats), Math.min(...lons), margin, 0);
  const mid = (south + north) / 2;
  const [, west] = offsetLatLon(mid, Math.min(...lons), 0, -margin);
  const [, east] = offsetLatLon(mid, Math.max(...lons), 0, margin);
  const bounds = { north, south, east, west };
  const heightM = (north - south) * 111_195;
  const widthM = (east - west) * 111_195 * Math.cos((mid * Math.PI) / 180);
  const width = Math.round(widthM / mpp);
  const height = Math.round(heightM / mpp);

  const tilePx = Math.round(tileM / mpp);
  const ground = await Promise.all(
    jpegsIn(path.join(samples, 'negative')).map((f) =>
      sharp(f).resize(tilePx, tilePx, { fit: 'cover' }).removeAlpha().png().toBuffer(),
    ),
  );
  const composites: OverlayOptions[] = [];
  let k = 0;
  for (let y = 0; y < height; y += tilePx)
    for (let x = 0; x < width; x += tilePx)
      composites.push({ input: ground[k++ % ground.length]!, left: x, top: y });

  const { data, info } = await sharp({
    create: { width, height, channels: 3, background: { r: 92, g: 104, b: 84 } },
  })
    .composite(composites)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const scene: Scene = {
    rgb: data,
    width: info.width,
    height: info.height,
    bounds,
    elevationMslM: opts.elevationMslM,
  };

  // Each incident is pasted into the raw pixels; the ground under it is kept to remove it again.
  const incidents: PlantedIncident[] = [];
  const pasted: { incident: Patch; ground: Patch }[] = [];
  const px = (lat: number, lon: number) => ({
    x: ((lon - west) / (east - west)) * width,
    y: ((north - lat) / (north - south)) * height,
  });
  const byCategory = new Map(CATEGORIES.map((c) => [c, jpegsIn(path.join(samples, c))]));
  for (const [i, site] of opts.sites.entries()) {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const files = byCategory.get(category)!;
    const file = files[Math.floor(i / CATEGORIES.length) % files.length]!;
    const [lat, lon] = offsetLatLon(site.lat, site.lon, INCIDENT_OFFSET.northM, INCIDENT_OFFSET.eastM);
    const w = Math.round(INCIDENT_OFFSET.widthM / mpp);
    const h = Math.round(INCIDENT_OFFSET.heightM / mpp);
    const c = px(lat, lon);
    const at = { left: Math.round(c.x - w / 2), top: Math.round(c.y - h / 2), width: w, height: h };
    const incident = {
      ...at,
      rgb: await sharp(file).resize(w, h, { fit: 'fill' }).removeAlpha().raw().toBuffer(),
    };
    const ground = { ...at, rgb: Buffer.alloc(w * h * 3) };
    copyPatch(scene, ground, false);
    copyPatch(scene, incident, true);
    pasted.push({ incident, ground });
    incidents.push({
      category,
      file,
      lat,
      lon,
      widthM: INCIDENT_OFFSET.widthM,
      heightM: INCIDENT_OFFSET.heightM,
    });
  }
  const present = incidents.map(() => true);
  const check = (index: number) => {
    if (!(Number.isInteger(index) && index >= 0 && index < incidents.length))
      throw new Error(`demo scene: no incident ${index} (there are ${incidents.length}, numbered from 0)`);
  };
  return {
    scene,
    incidents,
    isPresent: (index) => {
      check(index);
      return present[index]!;
    },
    setPresent: (index, on) => {
      check(index);
      if (present[index] === on) return;
      const p = pasted[index]!;
      // Pasted in order, so restoring one over a later overlapping one is not undone; the demo's
      // incidents are one per site and do not overlap.
      copyPatch(scene, on ? p.incident : p.ground, true);
      present[index] = on;
    },
  };
}
