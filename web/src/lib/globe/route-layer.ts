/**
 * The focused vehicle's mission route: the whole route dimmed, the part already flown bright,
 * and the waypoints as points, the current one larger.
 */
import {
  Cartesian3,
  Color,
  Material,
  PointPrimitiveCollection,
  PolylineCollection,
  type Scene,
} from 'cesium';

export interface RoutePoint {
  lon: number;
  lat: number;
  /** Height above home, metres. */
  heightM: number;
}

const AHEAD = Color.fromCssColorString('#ffd54a').withAlpha(0.45);
const DONE = Color.fromCssColorString('#ffd54a');

export class RouteLayer {
  private readonly lines: PolylineCollection;
  private readonly points: PointPrimitiveCollection;
  private route: RoutePoint[] = [];
  private current = -1;

  constructor(private readonly scene: Scene) {
    this.lines = scene.primitives.add(new PolylineCollection());
    this.points = scene.primitives.add(new PointPrimitiveCollection());
  }

  /** Shows `route` (empty: nothing) with `currentIndex` the waypoint being flown to. */
  set(route: readonly RoutePoint[], currentIndex: number): void {
    const same =
      route.length === this.route.length &&
      route.every((p, i) => p.lon === this.route[i]?.lon && p.lat === this.route[i]?.lat);
    if (same && currentIndex === this.current) return;
    this.route = [...route];
    this.current = currentIndex;
    this.lines.removeAll();
    this.points.removeAll();
    if (route.length === 0) {
      this.scene.requestRender();
      return;
    }
    const positions = route.map((p) => Cartesian3.fromDegrees(p.lon, p.lat, p.heightM));
    this.lines.add({
      positions,
      width: 3,
      material: Material.fromType('PolylineDash', { color: AHEAD, dashLength: 16 }),
    });
    const done = Math.max(0, Math.min(currentIndex, positions.length - 1));
    if (done > 0) {
      this.lines.add({
        positions: positions.slice(0, done + 1),
        width: 4,
        material: Material.fromType('Color', { color: DONE }),
      });
    }
    positions.forEach((position, i) => {
      this.points.add({
        position,
        pixelSize: i === currentIndex ? 12 : 7,
        color: i < currentIndex ? DONE : i === currentIndex ? Color.WHITE : AHEAD,
        outlineColor: Color.BLACK,
        outlineWidth: 1,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    });
    this.scene.requestRender();
  }

  destroy(): void {
    if (this.scene.isDestroyed()) return;
    this.scene.primitives.remove(this.lines);
    this.scene.primitives.remove(this.points);
  }
}
