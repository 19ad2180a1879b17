/**
 * Fixed places on the globe: docks (nests) and sites, as point primitives with labels, plus
 * the go-to target a pilot picked. Rarely changes, so everything is simply redrawn on `set`.
 */
import {
  Cartesian2,
  Cartesian3,
  Color,
  DistanceDisplayCondition,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  NearFarScalar,
  PointPrimitiveCollection,
  type Scene,
  VerticalOrigin,
} from 'cesium';

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

export class PlacesLayer {
  private readonly points: PointPrimitiveCollection;
  private readonly labels: LabelCollection;
  private readonly target: PointPrimitiveCollection;

  constructor(private readonly scene: Scene) {
    this.points = scene.primitives.add(new PointPrimitiveCollection());
    this.target = scene.primitives.add(new PointPrimitiveCollection());
    this.labels = scene.primitives.add(new LabelCollection({ scene }));
  }

  set(places: readonly Place[]): void {
    this.points.removeAll();
    this.labels.removeAll();
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
      this.labels.add({
        position,
        text: p.name,
        font: dock ? '12px sans-serif' : 'bold 13px sans-serif',
        fillColor: dock ? Color.fromCssColorString('#cfe3f7') : SITE_COLOR,
        outlineColor: Color.BLACK,
        outlineWidth: 3,
        style: LabelStyle.FILL_AND_OUTLINE,
        pixelOffset: new Cartesian2(0, dock ? 14 : -16),
        horizontalOrigin: HorizontalOrigin.CENTER,
        verticalOrigin: dock ? VerticalOrigin.TOP : VerticalOrigin.BOTTOM,
        distanceDisplayCondition: new DistanceDisplayCondition(0, dock ? 6_000 : 150_000),
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    }
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
    this.scene.primitives.remove(this.labels);
    this.scene.primitives.remove(this.target);
  }
}
