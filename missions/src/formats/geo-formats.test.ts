import { describe, expect, it } from 'vitest';
import { patrolRoute } from '../testing/fixtures.ts';
import { parseGeoJsonRoute, parseGeoJsonZones, routeToGeoJson, zonesToGeoJson } from './geojson.ts';
import { parseKmlPolygon, parseKmlRoute, parseKmlZones, routeToKml } from './kml.ts';
import { parseRouteFile } from './parse.ts';

const line = {
  type: 'FeatureCollection',
  name: 'canal',
  features: [
    {
      type: 'Feature',
      properties: { type: 'home' },
      geometry: { type: 'Point', coordinates: [120.1551, 30.2741] },
    },
    {
      type: 'Feature',
      properties: { altM: 45 },
      geometry: {
        type: 'LineString',
        coordinates: [
          [120.1551, 30.2751],
          [120.1561, 30.2761],
          [120.1571, 30.2761],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { type: 'waypoint', holdS: 4 },
      geometry: { type: 'Point', coordinates: [120.158, 30.2755] },
    },
  ],
};

describe('GeoJSON', () => {
  it('reads Points and LineStrings in order, adds take-off and RTL, takes home from a home Point', () => {
    const r = parseGeoJsonRoute(line);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.route.name).toBe('canal');
    expect(r.route.home).toEqual({ lat: 30.2741, lon: 120.1551 });
    expect(r.route.items).toEqual([
      { type: 'takeoff', altM: 30 },
      { type: 'waypoint', lat: 30.2751, lon: 120.1551, altM: 45 },
      { type: 'waypoint', lat: 30.2761, lon: 120.1561, altM: 45 },
      { type: 'waypoint', lat: 30.2761, lon: 120.1571, altM: 45 },
      { type: 'waypoint', lat: 30.2755, lon: 120.158, altM: 30, holdS: 4 },
      { type: 'rtl' },
    ]);
    const bare = parseGeoJsonRoute(line, { autoTakeoff: false, autoReturn: false });
    expect(bare.ok && bare.route.items.map((i) => i.type)).toEqual([
      'waypoint',
      'waypoint',
      'waypoint',
      'waypoint',
    ]);
  });

  it('names the feature index and field in errors', () => {
    const bad = structuredClone(line);
    bad.features[1]!.geometry.coordinates = [
      [120.1551, 30.2751],
      [120.1561, 95],
    ] as never;
    const r = parseGeoJsonRoute(bad);
    expect(!r.ok && r.error.message).toBe(
      'features[1].geometry.coordinates[1][1]: latitude must be between -90 and 90, got 95',
    );
    const badAlt = structuredClone(line);
    (badAlt.features[1]!.properties as Record<string, unknown>).altM = 'high';
    expect((parseGeoJsonRoute(badAlt) as { error: { message: string } }).error.message).toBe(
      'features[1].properties.altM: must be a number, got "high"',
    );
    const poly = {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
    };
    expect((parseGeoJsonRoute(poly) as { error: { message: string } }).error.message).toMatch(
      /^features\[0\]\.geometry\.type: a Polygon cannot be flown/,
    );
  });

  it('round-trips a route through GeoJSON (position items keep type and height)', () => {
    const route = patrolRoute();
    const text = JSON.stringify(routeToGeoJson(route));
    const back = parseRouteFile(text, 'patrol.geojson');
    if (!back.ok) throw new Error(back.error.message);
    expect(back.format).toBe('geojson');
    expect(back.route.items).toEqual(route.items);
    expect(back.route.home).toEqual(route.home);
  });

  it('reads zones: polygons, circles as Points with radiusM, kinds and altitude bands', () => {
    const z = parseGeoJsonZones({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          id: 'ctr',
          properties: { kind: 'controlled', name: 'Airport CTR', floorM: 0, ceilingM: 300 },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [120, 30],
                [120.1, 30],
                [120.1, 30.1],
                [120, 30],
              ],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { name: 'school', radiusM: 50 },
          geometry: { type: 'Point', coordinates: [120.2, 30.2] },
        },
      ],
    });
    if (!z.ok) throw new Error(z.error.message);
    expect(z.zones[0]).toMatchObject({
      id: 'ctr',
      kind: 'controlled',
      name: 'Airport CTR',
      floorM: 0,
      ceilingM: 300,
    });
    expect(z.zones[1]).toEqual({
      kind: 'nofly',
      name: 'school',
      geometry: { type: 'circle', center: { lat: 30.2, lon: 120.2 }, radiusM: 50 },
    });
    const again = parseGeoJsonZones(zonesToGeoJson(z.zones));
    expect(again.ok && again.zones).toEqual(z.zones);
    const noRadius = parseGeoJsonZones({
      type: 'Feature',
      properties: {},
      geometry: { type: 'Point', coordinates: [120, 30] },
    });
    expect(!noRadius.ok && noRadius.error.message).toBe(
      'features[0].properties.radiusM: a Point zone needs a radius above 0 metres',
    );
    const badKind = parseGeoJsonZones({
      type: 'Feature',
      properties: { kind: 'maybe' },
      geometry: { type: 'Point', coordinates: [120, 30] },
    });
    expect(!badKind.ok && badKind.error.message).toMatch(
      /^features\[0\]\.properties\.kind: must be nofly, controlled or inclusion/,
    );
  });
});

const KML = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>river patrol</name>
    <Folder>
      <Placemark>
        <name>start</name>
        <ExtendedData><Data name="type"><value>takeoff</value></Data></ExtendedData>
        <Point><coordinates>120.1551,30.2741,0</coordinates></Point>
      </Placemark>
      <Placemark>
        <name>river</name>
        <LineString>
          <altitudeMode>relativeToGround</altitudeMode>
          <coordinates>
            120.1551,30.2751,40 120.1561,30.2761,50
          </coordinates>
        </LineString>
      </Placemark>
      <Placemark>
        <name>bridge</name>
        <ExtendedData><Data name="holdS"><value>6</value></Data></ExtendedData>
        <Point><coordinates>120.1571,30.2765</coordinates></Point>
      </Placemark>
    </Folder>
  </Document>
</kml>`;

describe('KML', () => {
  it('reads placemarks in order; relativeToGround heights become altM', () => {
    const r = parseKmlRoute(KML);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.format).toBe('kml');
    expect(r.route.name).toBe('river patrol');
    expect(r.route.items).toEqual([
      { type: 'takeoff', altM: 30, lat: 30.2741, lon: 120.1551 },
      { type: 'waypoint', lat: 30.2751, lon: 120.1551, altM: 40 },
      { type: 'waypoint', lat: 30.2761, lon: 120.1561, altM: 50 },
      { type: 'waypoint', lat: 30.2765, lon: 120.1571, altM: 30, holdS: 6 },
      { type: 'rtl' },
    ]);
  });

  it('names the placemark and field in errors, and reports malformed XML with its line', () => {
    const bad = KML.replace('120.1571,30.2765', '120.1571,97');
    const r = parseKmlRoute(bad);
    expect(!r.ok && r.error.message).toBe(
      'Placemark[2] "bridge".Point.coordinates: latitude must be between -90 and 90, got 97',
    );
    const junk = parseKmlRoute(KML.replace('</Folder>', ''));
    expect(!junk.ok && junk.error.code).toBe('InvalidXml');
    expect(!junk.ok && junk.error.message).toMatch(/^line \d+/);
    const badNumber = parseKmlRoute(KML.replace('120.1571,30.2765', '120.1571;30.2765'));
    expect(!badNumber.ok && badNumber.error.message).toContain(
      'Placemark[2] "bridge".Point.coordinates: "120.1571;30.2765" is not lon,lat[,alt]',
    );
  });

  it('round-trips a route through KML', () => {
    const route = patrolRoute();
    const back = parseRouteFile(routeToKml(route), 'patrol.kml');
    if (!back.ok) throw new Error(back.error.message);
    expect(back.route.items).toEqual(route.items);
    expect(back.route.home).toEqual(route.home);
    expect(back.route.name).toBe('patrol');
  });

  it('reads zones from polygons with ExtendedData', () => {
    const kml = `<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>hospital</name>
      <ExtendedData><Data name="kind"><value>nofly</value></Data><Data name="ceilingM"><value>150</value></Data></ExtendedData>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>120,30 120.01,30 120.01,30.01 120,30</coordinates></LinearRing></outerBoundaryIs></Polygon>
      </Placemark></Document></kml>`;
    const z = parseKmlZones(kml);
    if (!z.ok) throw new Error(z.error.message);
    expect(z.zones).toEqual([
      {
        kind: 'nofly',
        name: 'hospital',
        ceilingM: 150,
        geometry: {
          type: 'polygon',
          points: [
            { lat: 30, lon: 120 },
            { lat: 30, lon: 120.01 },
            { lat: 30.01, lon: 120.01 },
            { lat: 30, lon: 120 },
          ],
        },
      },
    ]);
  });
});

describe('KML from Google Earth', () => {
  it('reads a polygon among styles, style maps and extra namespaces', () => {
    const kml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2" xmlns:kml="http://www.opengis.net/kml/2.2">
<Document>
\t<name>area.kmz</name>
\t<Style id="s1"><IconStyle><scale>1.1</scale><hotSpot x="20" y="2" xunits="pixels" yunits="pixels"/></IconStyle></Style>
\t<StyleMap id="m1"><Pair><key>normal</key><styleUrl>#s1</styleUrl></Pair></StyleMap>
\t<Placemark>
\t\t<name>Untitled Polygon</name>
\t\t<styleUrl>#m1</styleUrl>
\t\t<Polygon>
\t\t\t<tessellate>1</tessellate>
\t\t\t<outerBoundaryIs><LinearRing><coordinates>
\t\t\t\t120.1551,30.2741,0 120.1571,30.2741,0 120.1571,30.2761,0 120.1551,30.2761,0 120.1551,30.2741,0
\t\t\t</coordinates></LinearRing></outerBoundaryIs>
\t\t</Polygon>
\t</Placemark>
</Document>
</kml>`;
    const r = parseKmlPolygon(kml);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.polygon).toHaveLength(5);
    expect(r.polygon[1]).toEqual({ lat: 30.2741, lon: 120.1571 });
    expect(r.properties.name).toBe('Untitled Polygon');
  });
});
