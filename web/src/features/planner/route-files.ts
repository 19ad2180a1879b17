/** A route saved to a file in the browser: QGroundControl .plan, GeoJSON or KML. */
import { type Route, routeToGeoJson, routeToKml, withCaptureItems, writeQgcPlan } from '@aerie/missions';

export type ExportFormat = 'plan' | 'geojson' | 'kml';

/** A file name from a route name, without the characters file systems refuse. */
export function fileBase(name: string): string {
  return (name || 'route').replace(/[\\/:*?"<>|]+/g, '_');
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The file for a route: name, text and media type. A .plan carries the photo capture as the
 * camera items it becomes (QGroundControl has no such setting, it flies the items).
 */
export function routeFile(route: Route, format: ExportFormat): { name: string; text: string; type: string } {
  const base = fileBase(route.name);
  if (format === 'plan')
    return { name: `${base}.plan`, text: writeQgcPlan(withCaptureItems(route)), type: 'application/json' };
  if (format === 'geojson')
    return {
      name: `${base}.geojson`,
      text: JSON.stringify(routeToGeoJson(route), null, 2),
      type: 'application/geo+json',
    };
  return { name: `${base}.kml`, text: routeToKml(route), type: 'application/vnd.google-earth.kml+xml' };
}

export function exportRoute(route: Route, format: ExportFormat): void {
  const f = routeFile(route, format);
  download(f.name, f.text, f.type);
}
