/**
 * A patrol's capture setting as camera items, the way QGroundControl's survey writes them: the
 * trigger starts right after the take-off (DO_SET_CAM_TRIGG_DIST with "shoot once now", or
 * IMAGE_START_CAPTURE with an interval and no count limit) and stops before the final return or
 * landing (DO_SET_CAM_TRIGG_DIST 0, or IMAGE_STOP_CAPTURE), so no stills are taken over the dock
 * on the way down. PX4 forwards these items to its camera (navigator, camera_trigger); ArduPilot's
 * AP_Camera does the same for a MAVLink camera.
 *
 * The items become ordinary route items, so a mission item still maps 1:1 to a route item of
 * the expanded route (convert.ts); plan with the expanded route and keep it with the sortie.
 */
import type { CaptureSetting, PhotoItem, Route, RouteItem } from './route.ts';

/** Route item types that carry camera commands of their own. */
const CAMERA_COMMANDS = new Set([206, 2000, 2001]);

function isCameraItem(item: RouteItem): boolean {
  return item.type === 'photo' || (item.type === 'mavlink' && CAMERA_COMMANDS.has(item.command));
}

/** Says what is wrong with a capture setting on this route, or null when it can be applied. */
export function captureProblem(route: Pick<Route, 'items'>, capture: CaptureSetting): string | null {
  const value = 'distanceM' in capture ? capture.distanceM : capture.intervalS;
  const field = 'distanceM' in capture ? 'capture.distanceM' : 'capture.intervalS';
  if (!Number.isFinite(value) || value <= 0) return `${field}: must be more than 0, got ${value}`;
  const own = route.items.findIndex(isCameraItem);
  if (own >= 0)
    return `capture: the route has camera items of its own (items[${own}]); give either a capture setting or photo items, not both`;
  return null;
}

/** The items that start and stop the capture. */
export function captureItems(capture: CaptureSetting): { start: PhotoItem; stop: PhotoItem } {
  if ('distanceM' in capture)
    return { start: { type: 'photo', distanceM: capture.distanceM }, stop: { type: 'photo', distanceM: 0 } };
  return { start: { type: 'photo', intervalS: capture.intervalS }, stop: { type: 'photo', stop: true } };
}

/**
 * The route with its capture setting written out as camera items (and no setting left); a route
 * without one comes back as it is. Jumps are renumbered to the items they named. Throws when the
 * setting cannot be applied (`captureProblem`): parsing refuses such routes first.
 */
export function withCaptureItems(route: Route): Route {
  const { capture, ...rest } = route;
  if (!capture) return route;
  const problem = captureProblem(route, capture);
  if (problem) throw new Error(problem);
  const { start, stop } = captureItems(capture);
  const items = route.items;
  // After the leading take-off (a route without one starts capturing at once).
  const takeoff = items.findIndex((it) => it.type === 'takeoff');
  const startAt = takeoff >= 0 ? takeoff + 1 : 0;
  // Before the final return or landing, when the route ends with one.
  const last = items[items.length - 1];
  const stopAt =
    last && (last.type === 'rtl' || last.type === 'land') && items.length - 1 >= startAt
      ? items.length - 1
      : items.length;
  const moved = (i: number) => i + (i >= startAt ? 1 : 0) + (i >= stopAt ? 1 : 0);
  const out: RouteItem[] = [];
  items.forEach((it, i) => {
    if (i === startAt) out.push(start);
    if (i === stopAt) out.push(stop);
    out.push(it.type === 'jump' ? { ...it, toItem: moved(it.toItem) } : it);
  });
  if (startAt >= items.length) out.push(start);
  if (stopAt >= items.length) out.push(stop);
  return { ...rest, items: out };
}
