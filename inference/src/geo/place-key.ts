/**
 * A place key for a frame: the ground cell its image centre looks at, so stateful detectors
 * (persistence over consecutive frames, baselines) can tell "the same place" from pose alone.
 * Suitable as the pipeline's `placeKey(frame)` option.
 *
 * Cells are `cellM` metres on a side (default 30 m), on a lat/lon grid whose east-west step is
 * fixed per 1-degree latitude band, so keys are stable across sorties and docks. A hovering or
 * orbiting camera keeps its key; one sweeping past at 10 m/s changes key every few seconds, and
 * an image-space persistence rule then starts over at each change.
 */
import type { FrameMeta } from '@aerie/contracts';
import { EARTH_RADIUS_M, flatGroundFromHome, type Ground, pixelToGround } from '@aerie/missions';

export function groundPlaceKey(frame: FrameMeta, cellM = 30, ground?: Ground): string | undefined {
  const hit = pixelToGround(
    frame,
    frame.camera.width / 2,
    frame.camera.height / 2,
    ground ?? flatGroundFromHome(frame.pose),
  );
  if (!hit.ok) return undefined;
  const degLat = (cellM / EARTH_RADIUS_M) * (180 / Math.PI);
  const band = Math.floor(hit.point.lat);
  const degLon = degLat / Math.cos(((band + 0.5) * Math.PI) / 180);
  return `${cellM}m:${Math.floor(hit.point.lat / degLat)}:${Math.floor(hit.point.lon / degLon)}`;
}
