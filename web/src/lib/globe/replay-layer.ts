/**
 * A sortie replayed on the globe: the whole flown path (faint), the part flown up to the
 * replay's time (bright), event markers on the path, and the aircraft as a heading arrow with
 * a drop line to the ground showing its height. The replay page owns the clock; it hands this
 * layer the aircraft's interpolated position on every frame, so nothing here goes through
 * React. Heights are metres above the ellipsoid (the console's globe has no terrain by default,
 * so AMSL altitudes stand in).
 */
import {
  BoundingSphere,
  CallbackProperty,
  Cartesian2,
  Cartesian3,
  Math as CesiumMath,
  Color,
  ConstantPositionProperty,
  type Entity,
  HeadingPitchRange,
  Matrix4,
  Transforms,
  VerticalOrigin,
} from 'cesium';
import type { Globe } from './globe.ts';

/** One recorded position of the path. */
export interface ReplayPathPoint {
  lonDeg: number;
  latDeg: number;
  heightM: number;
}

/** The aircraft at the replay's current time. */
export interface ReplayAircraft extends ReplayPathPoint {
  /** Degrees clockwise from north. */
  headingDeg: number;
}

/** A point of interest on the path (take-off, waypoint reached, a warning). */
export interface ReplayMarker extends ReplayPathPoint {
  id: string;
  /** CSS colour. */
  color: string;
}

const ARROW_SVG =
  'data:image/svg+xml;base64,' +
  btoa(
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">' +
      '<path d="M20 3 L33 35 L20 27 L7 35 Z" fill="#ffd24a" stroke="#0a1420" stroke-width="2.5" ' +
      'stroke-linejoin="round"/></svg>',
  );

const PATH_COLOR = Color.fromCssColorString('#3fa7ff');

export class ReplayLayer {
  private readonly globe: Globe;
  private readonly entities: Entity[] = [];
  private readonly markers: Entity[] = [];
  private path: Cartesian3[] = [];
  /** The flown part: the path up to the last point passed, then the aircraft itself. */
  private flown: Cartesian3[] = [];
  private flownIndex = -1;
  private flownPath: Cartesian3[] = [];
  private aircraft: Cartesian3 | null = null;
  private ground: Cartesian3 | null = null;
  /** A point a little ahead of the aircraft along its heading (to find "forward" on screen). */
  private ahead: Cartesian3 | null = null;
  /** The arrow's screen rotation, radians counter-clockwise (Cesium's billboard convention). */
  private rotation = 0;
  private readonly enu = new Matrix4();
  private readonly removePreRender: () => void;
  private readonly p0 = new Cartesian2();
  private readonly p1 = new Cartesian2();

  constructor(globe: Globe) {
    this.globe = globe;
    const entities = globe.viewer.entities;
    this.entities.push(
      entities.add({
        polyline: {
          positions: new CallbackProperty(() => this.path, false),
          width: 2,
          material: PATH_COLOR.withAlpha(0.35),
        },
      }),
      entities.add({
        polyline: {
          positions: new CallbackProperty(() => this.flown, false),
          width: 3.5,
          material: Color.fromCssColorString('#5cd0ff'),
        },
      }),
      entities.add({
        polyline: {
          positions: new CallbackProperty(
            () => (this.aircraft && this.ground ? [this.ground, this.aircraft] : []),
            false,
          ),
          width: 1,
          material: Color.fromCssColorString('#ffd24a').withAlpha(0.6),
        },
      }),
      entities.add({
        position: new CallbackProperty(() => this.aircraft ?? undefined, false) as never,
        billboard: {
          image: ARROW_SVG,
          width: 34,
          height: 34,
          verticalOrigin: VerticalOrigin.CENTER,
          rotation: new CallbackProperty(() => this.rotation, false),
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
          show: new CallbackProperty(() => this.aircraft !== null, false),
        },
      }),
    );
    // Billboards turn in screen space and Cesium's aligned-axis mode distorts angles away from
    // the axes, so the arrow's rotation is worked out from where the aircraft and a point ahead
    // of it land on screen, before every frame (the camera may have moved).
    this.removePreRender = globe.viewer.scene.preRender.addEventListener(() => this.turnArrow());
  }

  private turnArrow(): void {
    if (!this.aircraft || !this.ahead) return;
    const scene = this.globe.viewer.scene;
    const a = scene.cartesianToCanvasCoordinates(this.aircraft, this.p0);
    const b = scene.cartesianToCanvasCoordinates(this.ahead, this.p1);
    if (!a || !b) return;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    if (Math.hypot(dx, dy) < 1e-6) return;
    // Screen y grows downwards; the angle is clockwise from "up", Cesium wants counter-clockwise.
    this.rotation = -Math.atan2(dx, -dy);
  }

  /** The whole recorded path. */
  setPath(points: readonly ReplayPathPoint[]): void {
    this.path = points.map((p) => Cartesian3.fromDegrees(p.lonDeg, p.latDeg, p.heightM));
    this.flownIndex = -1;
    this.flownPath = [];
    this.flown = [];
  }

  /**
   * Moves the aircraft; `passedIndex` is the last path point at or before the replay's time, so
   * the bright line runs along the path to it and on to the aircraft.
   */
  setAircraft(a: ReplayAircraft | null, passedIndex: number): void {
    if (!a) {
      this.aircraft = null;
      this.ahead = null;
      this.ground = null;
      this.flown = [];
      return;
    }
    const pos = Cartesian3.fromDegrees(a.lonDeg, a.latDeg, a.heightM);
    this.aircraft = pos;
    this.ground = Cartesian3.fromDegrees(a.lonDeg, a.latDeg, 0);
    if (passedIndex !== this.flownIndex) {
      this.flownIndex = passedIndex;
      this.flownPath = this.path.slice(0, Math.max(0, passedIndex) + 1);
    }
    // A new array each time: the polyline is rebuilt from what the callback returns.
    this.flown = [...this.flownPath, pos];
    const m = Transforms.eastNorthUpToFixedFrame(pos, undefined, this.enu);
    const h = CesiumMath.toRadians(a.headingDeg);
    const east = new Cartesian3(m[0], m[1], m[2]);
    const north = new Cartesian3(m[4], m[5], m[6]);
    const step = Cartesian3.add(
      Cartesian3.multiplyByScalar(north, 20 * Math.cos(h), new Cartesian3()),
      Cartesian3.multiplyByScalar(east, 20 * Math.sin(h), new Cartesian3()),
      new Cartesian3(),
    );
    this.ahead = Cartesian3.add(pos, step, step);
    this.turnArrow();
  }

  /** Event markers on the path (replacing any shown before). */
  setMarkers(markers: readonly ReplayMarker[]): void {
    const entities = this.globe.viewer.entities;
    for (const m of this.markers) entities.remove(m);
    this.markers.length = 0;
    for (const m of markers) {
      this.markers.push(
        entities.add({
          id: `replay-marker-${m.id}`,
          position: new ConstantPositionProperty(Cartesian3.fromDegrees(m.lonDeg, m.latDeg, m.heightM)),
          point: {
            pixelSize: 7,
            color: Color.fromCssColorString(m.color),
            outlineColor: Color.fromCssColorString('#0a1420'),
            outlineWidth: 1.5,
            disableDepthTestDistance: Number.POSITIVE_INFINITY,
          },
        }),
      );
    }
  }

  /** Points the camera at the whole path, looking down at an angle. */
  frame(): void {
    if (!this.path.length) return;
    const sphere = BoundingSphere.fromPoints(this.path);
    this.globe.viewer.camera.flyToBoundingSphere(sphere, {
      duration: 0,
      offset: new HeadingPitchRange(0, CesiumMath.toRadians(-55), Math.max(sphere.radius * 3.2, 1500)),
    });
  }

  destroy(): void {
    if (this.globe.viewer.isDestroyed()) return;
    this.removePreRender();
    const entities = this.globe.viewer.entities;
    for (const e of [...this.entities, ...this.markers]) entities.remove(e);
    this.entities.length = 0;
    this.markers.length = 0;
  }
}
