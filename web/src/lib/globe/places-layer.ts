/**
 * Fixed places on the globe: docks (nests) and sites, as point primitives with labels, plus
 * the go-to target a pilot picked. Rarely changes, so everything is simply redrawn on `set`.
 */
import {
  Cartesian2,
  Cartesian3,
  Color,
  HorizontalOrigin,
  NearFarScalar,
  PointPrimitiveCollection,
  type Scene,
  VerticalOrigin,
} from 'cesium';
import { LabelSet } from './globe-labels.ts';

export interface Place {
  id: string;
  kind: 'dock' | 'site';
  name: string;
  lon: number;
  lat: number;
  /** Dock state colour: ok (ready/charging), busy (cycle running), fault, offline. */
  tone?: 'ok' | 'busy' | 'fault' | 'offline';
}

const TONES = {
  ok: Color.fromCssColorString('#52c41a'),
  busy: Color.fromCssColorString('#3fa7ff'),
  fault: Color.fromCssColorString('#ff4d4f'),
  offline: Color.fromCssColorString('#7d8b99'),
};
const SITE_COLOR = Color.fromCssColorString('#b37feb');
const TARGET_COLOR = Color.fromCssColorString('#ff4dd2');
const DOCK_LABEL = Color.fromCssColorString('#cfe3f7');
const DOCK_OFFSET = new Cartesian2(0, 14);
const SITE_OFFSET = new Cartesian2(0, -16);

export class PlacesLayer {
  private readonly points: PointPrimitiveCollection;
  /** Dock and site names, placed by the globe's `LabelPlacer` (after vehicle names). */
  readonly labels: LabelSet;
  private readonly target: PointPrimitiveCollection;

  constructor(private readonly scene: Scene) {
    this.points = scene.primitives.add(new PointPrimitiveCollection());
    this.target = scene.primitives.add(new PointPrimitiveCollection());
    this.labels = new LabelSet(scene);
  }

  set(places: readonly Place[]): void {
    this.points.removeAll();
    const keys = new Set<string>();
    for (const p of places) {
      const position = Cartesian3.fromDegrees(p.lon, p.lat, 0);
      const dock = p.kind === 'dock';
      this.points.add({
        id: { kind: p.kind, id: p.id },
        position,
        // A ring, so the aircraft parked on the dock shows through it.
        pixelSize: dock ? 16 : 14,
        color: dock ? TONES[p.tone ?? 'ok'].withAlpha(0.18) : SITE_COLOR.withAlpha(0.35),
        outlineColor: dock ? TONES[p.tone ?? 'ok'] : SITE_COLOR,
        outlineWidth: 2,
        scaleByDistance: new NearFarScalar(2_000, 1.2, 300_000, 0.5),
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
      const key = `${p.kind}:${p.id}`;
      keys.add(key);
      this.labels.upsert(key, {
        position,
        text: p.name,
        font: dock ? '12px sans-serif' : 'bold 13px sans-serif',
        fillColor: dock ? DOCK_LABEL : SITE_COLOR,
        pixelOffset: dock ? DOCK_OFFSET : SITE_OFFSET,
        horizontalOrigin: HorizontalOrigin.CENTER,
        verticalOrigin: dock ? VerticalOrigin.TOP : VerticalOrigin.BOTTOM,
        // Sites name areas and are few: they come before dock names.
        priority: dock ? 1 : 5,
        maxDistanceM: dock ? 6_000 : 150_000,
        pickId: { kind: p.kind, id: p.id },
        markerPx: dock ? 16 : 14,
      });
    }
    this.labels.retain(keys);
    this.scene.requestRender();
  }

  /** Shows the picked go-to point (null hides it). */
  setTarget(point: { lon: number; lat: number; heightM: number } | null): void {
    this.target.removeAll();
    if (point) {
      this.target.add({
        position: Cartesian3.fromDegrees(point.lon, point.lat, point.heightM),
        pixelSize: 14,
        color: TARGET_COLOR.withAlpha(0.6),
        outlineColor: TARGET_COLOR,
        outlineWidth: 3,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    }
    this.scene.requestRender();
  }

  destroy(): void {
    if (this.scene.isDestroyed()) return;
    this.scene.primitives.remove(this.points);
    this.labels.destroy();
    this.scene.primitives.remove(this.target);
  }
}
