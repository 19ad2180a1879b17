/**
 * The one module that knows MapLibre. Features hand it what to draw (the flown route, the
 * outline being edited, its handles, airspace zones, issues, docks) in WGS-84 and get pointer
 * events back with the handle under the pointer; they never import 'maplibre-gl'.
 *
 * On a GCJ-02 basemap (Chinese map providers) everything drawn is shifted into GCJ-02 and
 * pointer positions are shifted back, so routes stay WGS-84 (what the autopilot flies) while
 * lining up with the streets on the imagery.
 */
import i18next from 'i18next';
import {
  type GeoJSONSource,
  Map as MapLibre,
  type MapMouseEvent,
  Marker,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { gcj02ToWgs84, wgs84ToGcj02 } from '../geo/gcj02.ts';
import {
  basemapCrs,
  type Feature,
  type FeatureCollection,
  graticule,
  type ImagerySettings,
  offlineStyle,
  type Position,
  type SourceId,
} from './style.ts';

export type { BasemapSettings, ImagerySettings } from './style.ts';

// The bundled build cannot find its worker by itself once Vite has renamed the files.
setWorkerUrl(workerUrl);

export interface MapLatLon {
  lat: number;
  lon: number;
}

/** A draggable handle the map draws; pointer events report the one under the pointer. */
export type MapHandle = { kind: 'vertex'; index: number } | { kind: 'center' } | { kind: 'radius' };

export interface MapPointerEvent {
  type: 'down' | 'move' | 'up';
  /** Pixels from the map's top left. */
  x: number;
  y: number;
  /** WGS-84 position under the pointer. */
  at: MapLatLon;
  handle: MapHandle | null;
}

export interface MapZone {
  id: string;
  kind: 'nofly' | 'controlled' | 'inclusion';
  /** The outline (circles are given as rings by the caller or via `circleRing`). */
  ring: MapLatLon[];
  label: string;
  selected?: boolean;
}

export interface MapMark {
  at: MapLatLon;
  /** Shown on hover. */
  title: string;
  /** data-code of the marker (an issue code). */
  code: string;
  severity: 'error' | 'warning';
}

export interface MapOverlay {
  /** Paths the aircraft flies. */
  route: MapLatLon[][];
  /** The outline being edited. */
  shape: { type: 'polygon' | 'line'; points: MapLatLon[] } | null;
  handles: { at: MapLatLon; handle: MapHandle; selected?: boolean }[];
  zones: MapZone[];
  marks: MapMark[];
  docks: { id: string; at: MapLatLon; label: string }[];
}

export interface PlannerMapOptions {
  container: HTMLElement;
  center: MapLatLon;
  zoom: number;
  imagery: ImagerySettings | null;
  /**
   * Pointer events over the map. Return true from a `down` to hold the pointer (the map does
   * not pan until the next `up`), as when a handle is grabbed.
   */
  onPointer?: (e: MapPointerEvent) => boolean;
  /** Right click on a handle (delete a vertex). */
  onContext?: (handle: MapHandle) => void;
}

const HANDLE_LAYER = 'handles';

/** A ring of `n` points approximating a circle of `radiusM` around `center`. */
export function circleRing(center: MapLatLon, radiusM: number, n = 64): MapLatLon[] {
  const out: MapLatLon[] = [];
  const dLat = radiusM / 111_320;
  const dLon = radiusM / (111_320 * Math.cos((center.lat * Math.PI) / 180));
  for (let k = 0; k < n; k++) {
    const a = (2 * Math.PI * k) / n;
    out.push({ lat: center.lat + dLat * Math.cos(a), lon: center.lon + dLon * Math.sin(a) });
  }
  return out;
}

export class PlannerMap {
  private readonly map: MapLibre;
  private readonly gcj: boolean;
  private loaded = false;
  private pending: Partial<MapOverlay> = {};
  private marks: Marker[] = [];
  private labels: Marker[] = [];
  private holding = false;

  constructor(private readonly opts: PlannerMapOptions) {
    this.gcj = basemapCrs(opts.imagery) === 'gcj02';
    const c = this.toMap(opts.center);
    this.map = new MapLibre({
      container: opts.container,
      style: offlineStyle(opts.imagery),
      center: c,
      zoom: opts.zoom,
      attributionControl: false,
      doubleClickZoom: false,
      dragRotate: false,
      pitchWithRotate: false,
      maxPitch: 0,
      // The controls' tooltips in the console's language (MapLibre's own are English).
      locale: {
        'Map.Title': i18next.t('common.map.title'),
        'NavigationControl.ZoomIn': i18next.t('common.map.zoomIn'),
        'NavigationControl.ZoomOut': i18next.t('common.map.zoomOut'),
        'NavigationControl.ResetBearing': i18next.t('common.map.resetBearing'),
      },
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.on('load', () => {
      this.loaded = true;
      this.setData('graticule', graticule(opts.center));
      this.apply(this.pending);
      this.pending = {};
    });
    this.map.on('mousedown', (e) => this.pointer('down', e));
    this.map.on('mousemove', (e) => this.pointer('move', e));
    this.map.on('mouseup', (e) => this.pointer('up', e));
    this.map.on('contextmenu', (e) => {
      const h = this.handleAt(e);
      if (h) opts.onContext?.(h);
    });
    (window as unknown as { aerieMap?: MapLibre }).aerieMap = this.map;
  }

  private toMap(p: MapLatLon): Position {
    if (!this.gcj) return [p.lon, p.lat];
    const g = wgs84ToGcj02(p.lon, p.lat);
    return [g.lon, g.lat];
  }

  private fromMap(lon: number, lat: number): MapLatLon {
    if (!this.gcj) return { lat, lon };
    const w = gcj02ToWgs84(lon, lat);
    return { lat: w.lat, lon: w.lon };
  }

  private handleAt(e: MapMouseEvent): MapHandle | null {
    if (!this.loaded) return null;
    const box: [[number, number], [number, number]] = [
      [e.point.x - 6, e.point.y - 6],
      [e.point.x + 6, e.point.y + 6],
    ];
    const f = this.map.queryRenderedFeatures(box, { layers: [HANDLE_LAYER] })[0];
    if (!f) return null;
    const raw = f.properties?.handle;
    try {
      return typeof raw === 'string'
        ? (JSON.parse(raw) as MapHandle)
        : ((raw as MapHandle | undefined) ?? null);
    } catch {
      return null;
    }
  }

  private pointer(type: MapPointerEvent['type'], e: MapMouseEvent): void {
    if (!this.opts.onPointer) return;
    if (e.originalEvent.button !== 0 && type !== 'move') return;
    const ev: MapPointerEvent = {
      type,
      x: e.point.x,
      y: e.point.y,
      at: this.fromMap(e.lngLat.lng, e.lngLat.lat),
      handle: type === 'down' ? this.handleAt(e) : null,
    };
    const hold = this.opts.onPointer(ev);
    if (type === 'down' && hold) {
      this.holding = true;
      this.map.dragPan.disable();
    }
    if (type === 'up' && this.holding) {
      this.holding = false;
      this.map.dragPan.enable();
    }
    if (type === 'move') {
      const over = this.handleAt(e) !== null;
      this.map.getCanvas().style.cursor = this.holding ? 'grabbing' : over ? 'grab' : 'crosshair';
    }
  }

  private setData(id: SourceId, data: FeatureCollection): void {
    (this.map.getSource(id) as GeoJSONSource | undefined)?.setData(data);
  }

  /** Replaces the given parts of what is drawn. */
  setOverlay(overlay: Partial<MapOverlay>): void {
    if (!this.loaded) {
      this.pending = { ...this.pending, ...overlay };
      return;
    }
    this.apply(overlay);
  }

  private apply(o: Partial<MapOverlay>): void {
    const line = (pts: MapLatLon[]): Extract<Feature['geometry'], { type: 'LineString' }> => ({
      type: 'LineString',
      coordinates: pts.map((p) => this.toMap(p)),
    });
    const ring = (pts: MapLatLon[]): Extract<Feature['geometry'], { type: 'Polygon' }> => ({
      type: 'Polygon',
      coordinates: [[...pts, ...pts.slice(0, 1)].map((p) => this.toMap(p))],
    });
    const fc = (features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features });
    if (o.route)
      this.setData(
        'route',
        fc(
          o.route
            .filter((p) => p.length > 1)
            .map((p) => ({ type: 'Feature', properties: {}, geometry: line(p) })),
        ),
      );
    if (o.shape !== undefined) {
      const s = o.shape;
      const features: Feature[] = [];
      if (s && s.type === 'polygon' && s.points.length >= 3)
        features.push({ type: 'Feature', properties: {}, geometry: ring(s.points) });
      else if (s && s.points.length >= 2)
        features.push({ type: 'Feature', properties: {}, geometry: line(s.points) });
      this.setData('shape', fc(features));
    }
    if (o.handles)
      this.setData(
        'handles',
        fc(
          o.handles.map((h) => ({
            type: 'Feature',
            properties: { handle: JSON.stringify(h.handle), selected: h.selected ?? false },
            geometry: { type: 'Point', coordinates: this.toMap(h.at) },
          })),
        ),
      );
    if (o.zones) {
      this.setData(
        'zones',
        fc(
          o.zones
            .filter((z) => z.ring.length >= 3)
            .map((z) => ({
              type: 'Feature',
              properties: { id: z.id, kind: z.kind, selected: z.selected ?? false },
              geometry: ring(z.ring),
            })),
        ),
      );
    }
    if (o.docks)
      this.setData(
        'docks',
        fc(
          o.docks.map((d) => ({
            type: 'Feature',
            properties: { id: d.id },
            geometry: { type: 'Point', coordinates: this.toMap(d.at) },
          })),
        ),
      );
    if (o.zones || o.docks) this.updateLabels(o);
    if (o.marks) {
      for (const m of this.marks) m.remove();
      this.marks = o.marks.map((m) => {
        const el = document.createElement('div');
        el.className = `map-mark map-mark-${m.severity}`;
        el.title = m.title;
        el.dataset.testid = 'planner-issue-marker';
        el.dataset.code = m.code;
        el.textContent = m.severity === 'error' ? '!' : '?';
        return new Marker({ element: el }).setLngLat(this.toMap(m.at)).addTo(this.map);
      });
    }
  }

  private lastZones: MapZone[] = [];
  private lastDocks: MapOverlay['docks'] = [];

  private updateLabels(o: Partial<MapOverlay>): void {
    if (o.zones) this.lastZones = o.zones;
    if (o.docks) this.lastDocks = o.docks;
    for (const l of this.labels) l.remove();
    const label = (text: string, at: MapLatLon, cls: string): Marker => {
      const el = document.createElement('div');
      el.className = `map-label ${cls}`;
      el.textContent = text;
      return new Marker({ element: el, anchor: 'top', offset: [0, 8] })
        .setLngLat(this.toMap(at))
        .addTo(this.map);
    };
    this.labels = [
      ...this.lastZones
        .filter((z) => z.ring.length >= 3)
        .map((z) => {
          const c = z.ring.reduce(
            (a, p) => ({ lat: a.lat + p.lat / z.ring.length, lon: a.lon + p.lon / z.ring.length }),
            {
              lat: 0,
              lon: 0,
            },
          );
          return label(z.label, c, `map-label-${z.kind}`);
        }),
      ...this.lastDocks.map((d) => label(d.label, d.at, 'map-label-dock')),
    ];
  }

  /** Moves the view to show all `points`. */
  fit(points: MapLatLon[], maxZoom = 17): void {
    if (points.length === 0) return;
    const xs = points.map((p) => this.toMap(p));
    const lons = xs.map((c) => c[0]);
    const lats = xs.map((c) => c[1]);
    this.map.fitBounds(
      [
        [Math.min(...lons), Math.min(...lats)],
        [Math.max(...lons), Math.max(...lats)],
      ],
      { padding: 60, maxZoom, duration: 0 },
    );
  }

  /** The screen pixel of a WGS-84 position (tests and tools). */
  project(p: MapLatLon): { x: number; y: number } {
    const pt = this.map.project(this.toMap(p));
    return { x: pt.x, y: pt.y };
  }

  resize(): void {
    this.map.resize();
  }

  destroy(): void {
    for (const m of [...this.marks, ...this.labels]) m.remove();
    this.map.remove();
    const w = window as unknown as { aerieMap?: MapLibre };
    if (w.aerieMap === this.map) delete w.aerieMap;
  }
}
