/**
 * KML (OGC KML 2.2) routes and zones, read with fast-xml-parser.
 *
 * Placemarks are read in document order (through Documents and Folders) and turned into the
 * same features the GeoJSON importer reads: Point, LineString and Polygon geometry, the
 * Placemark's name, and ExtendedData `<Data name="...">` values as properties (type, altM,
 * kind, floorM, ceilingM, radiusM...). A coordinate height counts as `altM` only when the
 * geometry says `<altitudeMode>relativeToGround</altitudeMode>`; KML's default
 * (clampToGround) carries no height. Errors name `Placemark[i]`, counted from 0.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { itemPosition, type Route } from '../route.ts';
import {
  type GeoImportOptions,
  parseGeoJsonPolygon,
  parseGeoJsonRoute,
  parseGeoJsonZones,
  type ZonesResult,
} from './geojson.ts';
import type { ParseError, ParseResult } from './parse-result.ts';
import { parseFail } from './parse-result.ts';

const ARRAYS = new Set([
  'Document',
  'Folder',
  'Placemark',
  'Data',
  'SimpleData',
  'Point',
  'LineString',
  'Polygon',
  'MultiGeometry',
  'innerBoundaryIs',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;
const asNodes = (v: unknown): Node[] =>
  Array.isArray(v) ? (v as Node[]) : v && typeof v === 'object' ? [v as Node] : [];
const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : (((v as Node)?.['#text'] as string) ?? '');

function collectPlacemarks(node: Node, out: Node[]): void {
  for (const p of asNodes(node.Placemark)) out.push(p);
  for (const key of ['Document', 'Folder'])
    for (const child of asNodes(node[key])) collectPlacemarks(child, out);
}

interface Coords {
  ok: boolean;
  positions: number[][];
  message?: string;
}

function parseCoordinates(s: string): Coords {
  const positions: number[][] = [];
  for (const tuple of s.split(/\s+/).filter(Boolean)) {
    const parts = tuple.split(',').map(Number);
    if (parts.length < 2 || parts.some((n) => !Number.isFinite(n)))
      return { ok: false, positions, message: `"${tuple}" is not lon,lat[,alt]` };
    positions.push(parts);
  }
  return { ok: true, positions };
}

function dataProps(pm: Node): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  const name = text(pm.name);
  if (name) props.name = name;
  const ext = pm.ExtendedData as Node | undefined;
  const datas = [...asNodes(ext?.Data), ...asNodes((ext?.SchemaData as Node | undefined)?.SimpleData)];
  for (const d of datas) {
    const key = d['@_name'];
    if (typeof key !== 'string') continue;
    const raw = d.value !== undefined ? text(d.value) : text(d);
    const n = Number(raw);
    props[key] = raw !== '' && Number.isFinite(n) ? n : raw;
  }
  return props;
}

/** KML text -> GeoJSON FeatureCollection (one feature per geometry, in document order). */
export function kmlToGeoJson(
  kml: string,
): { ok: true; geojson: Node; placemarks: number } | { ok: false; error: ParseError } {
  const valid = XMLValidator.validate(kml);
  if (valid !== true)
    return parseFail('InvalidXml', `line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`);
  const doc = parser.parse(kml) as Node;
  const root = doc.kml as Node | undefined;
  if (!root) return parseFail('InvalidKml', 'the document has no <kml> element');
  const placemarks: Node[] = [];
  collectPlacemarks(root, placemarks);
  const features: Node[] = [];
  for (const [i, pm] of placemarks.entries()) {
    const where = `Placemark[${i}]${text(pm.name) ? ` "${text(pm.name)}"` : ''}`;
    const props = dataProps(pm);
    const geoms: [string, Node][] = [];
    const gather = (n: Node): void => {
      for (const k of ['Point', 'LineString', 'Polygon']) for (const g of asNodes(n[k])) geoms.push([k, g]);
      for (const mg of asNodes(n.MultiGeometry)) gather(mg);
    };
    gather(pm);
    for (const [kind, g] of geoms) {
      const relative = text(g.altitudeMode) === 'relativeToGround';
      const coordText =
        kind === 'Polygon'
          ? text(((g.outerBoundaryIs as Node)?.LinearRing as Node)?.coordinates)
          : text(g.coordinates);
      const c = parseCoordinates(coordText);
      const field =
        kind === 'Polygon' ? 'Polygon.outerBoundaryIs.LinearRing.coordinates' : `${kind}.coordinates`;
      if (!c.ok) return parseFail('InvalidKml', `${where}.${field}: ${c.message}`);
      if (c.positions.length === 0) return parseFail('InvalidKml', `${where}.${field}: no coordinates`);
      for (const p of c.positions) {
        if (p[1]! < -90 || p[1]! > 90)
          return parseFail(
            'InvalidKml',
            `${where}.${field}: latitude must be between -90 and 90, got ${p[1]}`,
          );
        if (p[0]! < -180 || p[0]! > 180)
          return parseFail(
            'InvalidKml',
            `${where}.${field}: longitude must be between -180 and 180, got ${p[0]}`,
          );
      }
      if (kind === 'Point') {
        const pr = { ...props };
        if (relative && c.positions[0]![2] !== undefined && pr.altM === undefined)
          pr.altM = c.positions[0]![2];
        features.push({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: c.positions[0]!.slice(0, 2) },
          properties: pr,
        });
      } else if (kind === 'LineString') {
        if (relative && props.altM === undefined && c.positions.every((p) => p[2] !== undefined)) {
          for (const p of c.positions)
            features.push({
              type: 'Feature',
              geometry: { type: 'Point', coordinates: p.slice(0, 2) },
              properties: { ...props, altM: p[2] },
            });
        } else if (c.positions.length < 2)
          return parseFail('InvalidKml', `${where}.${field}: a LineString needs 2 or more positions`);
        else
          features.push({
            type: 'Feature',
            geometry: { type: 'LineString', coordinates: c.positions.map((p) => p.slice(0, 2)) },
            properties: props,
          });
      } else {
        if (c.positions.length < 4)
          return parseFail('InvalidKml', `${where}.${field}: a ring needs 4 or more positions`);
        features.push({
          type: 'Feature',
          geometry: { type: 'Polygon', coordinates: [c.positions.map((p) => p.slice(0, 2))] },
          properties: props,
        });
      }
    }
  }
  const name = text((asNodes(root.Document)[0] as Node | undefined)?.name);
  return {
    ok: true,
    geojson: { type: 'FeatureCollection', ...(name ? { name } : {}), features },
    placemarks: placemarks.length,
  };
}

const renameFeatures = <T extends { ok: boolean }>(r: T): T => {
  if (!r.ok) {
    const e = (r as unknown as { error: ParseError }).error;
    e.code = e.code === 'InvalidGeoJson' ? 'InvalidKml' : e.code;
    e.message = e.message.replace(/features\[(\d+)\]/g, 'feature[$1]');
  }
  return r;
};

/** Parses a KML route. */
export function parseKmlRoute(kml: string, options: GeoImportOptions = {}): ParseResult {
  const g = kmlToGeoJson(kml);
  if (!g.ok) return g;
  const r = renameFeatures(parseGeoJsonRoute(g.geojson, options));
  return r.ok ? { ...r, format: 'kml' } : r;
}

/** Parses zones from KML. */
export function parseKmlZones(kml: string): ZonesResult {
  const g = kmlToGeoJson(kml);
  if (!g.ok) return g;
  return renameFeatures(parseGeoJsonZones(g.geojson));
}

/** The first Polygon in a KML document. */
export function parseKmlPolygon(kml: string): ReturnType<typeof parseGeoJsonPolygon> {
  const g = kmlToGeoJson(kml);
  if (!g.ok) return g;
  return renameFeatures(parseGeoJsonPolygon(g.geojson));
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: true,
});

/** A route as KML: the flown path as a LineString, and one Point per position item; heights relative to ground. */
export function routeToKml(route: Route): string {
  const coords: string[] = [];
  const placemarks: Node[] = [];
  if (route.home)
    placemarks.push({
      name: 'home',
      ExtendedData: { Data: [{ '@_name': 'type', value: 'home' }] },
      Point: { coordinates: `${route.home.lon},${route.home.lat}` },
    });
  route.items.forEach((it, index) => {
    const p = itemPosition(it);
    if (!p) return;
    const alt = 'altM' in it ? it.altM : 0;
    coords.push(`${p.lon},${p.lat},${alt}`);
    const data: Node[] = [
      { '@_name': 'type', value: it.type },
      { '@_name': 'index', value: index },
    ];
    const fields = it as unknown as Record<string, unknown>;
    for (const k of ['altM', 'holdS', 'acceptRadiusM', 'turns', 'timeS', 'radiusM'])
      if (typeof fields[k] === 'number') data.push({ '@_name': k, value: fields[k] });
    placemarks.push({
      name: `${index} ${it.type}`,
      ExtendedData: { Data: data },
      Point: { altitudeMode: 'relativeToGround', coordinates: `${p.lon},${p.lat},${alt}` },
    });
  });
  const path: Node = {
    name: route.name,
    ExtendedData: { Data: [{ '@_name': 'role', value: 'path' }] },
    LineString: { altitudeMode: 'relativeToGround', coordinates: coords.join(' ') },
  };
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    kml: {
      '@_xmlns': 'http://www.opengis.net/kml/2.2',
      Document: { name: route.name, Placemark: coords.length >= 2 ? [path, ...placemarks] : placemarks },
    },
  };
  return builder.build(doc) as string;
}
