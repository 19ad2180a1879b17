/**
 * One entry point for route files: QGroundControl `.plan`, Aerie route JSON, GeoJSON or KML,
 * told apart by content first and file name second.
 */
import { parseAerieRoute } from './aerie-route.ts';
import { type GeoImportOptions, parseGeoJsonRoute } from './geojson.ts';
import { parseKmlRoute } from './kml.ts';
import { type ParseResult, parseFail } from './parse-result.ts';
import { parseQgcPlan } from './qgc-plan.ts';

export type ParseRouteOptions = GeoImportOptions;

function baseName(filename: string | undefined): string | undefined {
  if (!filename) return undefined;
  const b = filename.split(/[\\/]/).pop() ?? filename;
  return b.replace(/\.(plan|json|geojson|kml)$/i, '') || undefined;
}

/**
 * Parses route file text. Returns `{ ok: true, route, format }` or `{ ok: false, error: { code,
 * message } }` where the message names the item index and field that is wrong.
 */
export function parseRouteFile(
  text: string,
  filename?: string,
  options: ParseRouteOptions = {},
): ParseResult {
  const name = options.name ?? baseName(filename);
  const ext = filename?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('<') || ext === 'kml') {
    return parseKmlRoute(text, { ...options, ...(name ? { name } : {}) });
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (err) {
    return parseFail('InvalidJson', `not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return parseFail('UnknownFormat', 'expected a JSON object (a .plan, an Aerie route or GeoJSON)');
  const o = json as Record<string, unknown>;
  if (o.fileType !== undefined || ext === 'plan') return parseQgcPlan(json, name);
  if (o.format !== undefined) return parseAerieRoute(json);
  if (typeof o.type === 'string' || ext === 'geojson')
    return parseGeoJsonRoute(json, { ...options, ...(name ? { name } : {}) });
  return parseFail(
    'UnknownFormat',
    'not a recognised route file: expected a QGroundControl plan ("fileType": "Plan"), an Aerie route ("format": "aerie.route"), GeoJSON or KML',
  );
}
