/** A route saved to a file in the browser: QGroundControl .plan, GeoJSON or KML. */
import { type Route, routeToGeoJson, routeToKml, writeQgcPlan } from '@aerie/missions';

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

export function exportRoute(route: Route, format: ExportFormat): void {
  const base = fileBase(route.name);
  if (format === 'plan') download(`${base}.plan`, writeQgcPlan(route), 'application/json');
  else if (format === 'geojson')
    download(`${base}.geojson`, JSON.stringify(routeToGeoJson(route), null, 2), 'application/geo+json');
  else download(`${base}.kml`, routeToKml(route), 'application/vnd.google-earth.kml+xml');
}
