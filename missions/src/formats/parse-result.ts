/**
 * What every importer returns: a Route, or an error with a stable code and a message that
 * names the item index and field (`items[3].lat: must be between -90 and 90, got 123`).
 */
import type { Route } from '../route.ts';

/** The file formats Aerie reads routes from. */
export type RouteFormat = 'aerie' | 'qgc-plan' | 'geojson' | 'kml';

export type ParseErrorCode =
  | 'InvalidJson'
  | 'InvalidXml'
  | 'InvalidRoute'
  | 'InvalidPlan'
  | 'UnsupportedItem'
  | 'InvalidGeoJson'
  | 'InvalidKml'
  | 'UnknownFormat';

export interface ParseError {
  code: ParseErrorCode;
  message: string;
}

export type ParseResult = { ok: true; route: Route; format: RouteFormat } | { ok: false; error: ParseError };

export const parseFail = (code: ParseErrorCode, message: string): { ok: false; error: ParseError } => ({
  ok: false,
  error: { code, message },
});

/** `['items', 3, 'lat']` -> `items[3].lat` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}
