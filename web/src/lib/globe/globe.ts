/**
 * The one place that knows Cesium. Features hand it data (vehicles, routes, docks) and get
 * picks back; they never import 'cesium' themselves. Works with no internet: the default
 * imagery is Cesium's bundled Natural Earth II (served from the console's own /cesium/
 * folder), no Ion token is used, and the ellipsoid stands in for terrain unless a terrain
 * server is configured. The server's console settings (`GET /api/console/settings`) may name
 * an XYZ or WMTS tile server (GCJ-02 tiles are shifted onto WGS-84, see `imagery.ts`).
 *
 * What changes with live state (vehicles and their trails, docks and their status colours,
 * every name, the go-to target) is drawn on a 2D overlay above Cesium's canvas
 * (`overlay.ts`), so fleet and dock updates do not redraw the globe; Cesium draws the globe,
 * the focused vehicle's mission route and replays.
 *
 * API: `Globe.create(opts)`, `viewer`, `overlay`, the layers (`vehicles`, `places`, `tickets`, `route`),
 * `onPick`, `follow`, `track`, `flyTo`, `fitPoints`, `destroy`. Further
 * layers live in files of their own and use `viewer`.
 */
import {
  BoundingSphere,
  type Cartesian2,
  Cartesian3,
  Cartographic,
  Math as CesiumMath,
  Color,
  GeoJsonDataSource,
  HeadingPitchRange,
  ImageryLayer,
  Ion,
  Matrix4,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  Transforms,
  Viewer,
} from 'cesium';
import 'cesium/Build/Cesium/Widgets/widgets.css';
import { type ConsoleSettings, loadConsoleSettings } from '../console-settings.ts';
import { LabelLayer } from './globe-labels.ts';
import { createImagery, createTerrain } from './imagery.ts';
import { GlobeOverlay } from './overlay.ts';
import { PlacesLayer } from './places-layer.ts';
import { type RenderQuality, renderQualityFor, webglRendererName } from './render-quality.ts';
import { RouteLayer } from './route-layer.ts';
import { TicketLayer } from './ticket-layer.ts';
import { VehicleLayer } from './vehicle-layer.ts';

// No Ion: nothing may reach the internet, and a default token would try to.
Ion.defaultAccessToken = '';

export type { ConsoleSettings };

export interface GlobeOptions {
  container: HTMLElement;
  /** Where the camera starts (degrees, metres above the ellipsoid). */
  home: { lat: number; lon: number; heightM: number };
  /** Imagery and terrain; read from the server when left out (Natural Earth II if that fails). */
  settings?: ConsoleSettings | null;
  /**
   * Render the globe only when it changed (camera moves, tiles, the route layer) instead of
   * at the display rate; the overlay draws on its own changes either way. Saves the CPU of a
   * software renderer; off by default because time-animated entities (replay) need
   * continuous frames.
   */
  renderOnDemand?: boolean;
}

/** What a click on the globe hit. */
export type GlobePick =
  | { kind: 'vehicle'; id: string }
  | { kind: 'dock' | 'site'; id: string }
  | { kind: 'ticket'; id: string }
  | { kind: 'ground'; lon: number; lat: number };

export class Globe {
  readonly viewer: Viewer;
  /** The 2D canvas over the globe that vehicles and names are drawn on. */
  readonly overlay: GlobeOverlay;
  readonly vehicles: VehicleLayer;
  readonly places: PlacesLayer;
  readonly route: RouteLayer;
  /** Open tickets as pins (`ticket-layer.ts`), under the vehicles. */
  readonly tickets: TicketLayer;
  /** Decides which vehicle, dock and site names fit on screen and draws them (`globe-labels.ts`). */
  readonly labels: LabelLayer;
  /** The renderer and the resolution the globe draws at (see `render-quality.ts`). */
  readonly quality: RenderQuality;
  private readonly handler: ScreenSpaceEventHandler;
  private readonly pickListeners = new Set<(pick: GlobePick) => void>();
  private following: string | null = null;
  private flying = false;

  private constructor(viewer: Viewer, quality: RenderQuality) {
    this.viewer = viewer;
    this.quality = quality;
    this.overlay = new GlobeOverlay(viewer.scene);
    (window as unknown as { aerieOverlay?: GlobeOverlay }).aerieOverlay = this.overlay;
    this.route = new RouteLayer(viewer.scene);
    this.places = new PlacesLayer(this.overlay);
    this.tickets = new TicketLayer(this.overlay);
    this.vehicles = new VehicleLayer(this.overlay);
    this.labels = new LabelLayer(this.overlay, [this.vehicles.labels, this.places.labels]);
    this.overlay.add(this.places);
    this.overlay.add(this.tickets);
    this.overlay.add(this.vehicles);
    this.overlay.add(this.labels);
    this.handler = new ScreenSpaceEventHandler(viewer.scene.canvas);
    this.handler.setInputAction(
      (e: { position: Cartesian2 }) => this.onClick(e.position),
      ScreenSpaceEventType.LEFT_CLICK,
    );
  }

  static async create(opts: GlobeOptions): Promise<Globe> {
    const settings = opts.settings === undefined ? await loadConsoleSettings() : opts.settings;
    let imagery = await createImagery(settings?.imagery ?? null, settings?.basemap ?? null).catch(() =>
      createImagery(null),
    );
    if (!imagery) imagery = await createImagery(null);
    const terrain = await createTerrain(settings?.terrainUrl ?? null).catch(() => null);
    const quality = renderQualityFor(webglRendererName());
    const viewer = new Viewer(opts.container, {
      // Order-independent translucency draws translucent primitives into extra targets and
      // composites them; the command view's translucent things (trails, rings, labels) are flat
      // overlays that need no sorting, and on a software renderer the extra passes cost more
      // than the whole empty scene.
      orderIndependentTranslucency: false,
      // A multisampled canvas is resolved on every frame; on the CPU that is the single largest
      // fixed cost of a frame, so software renderers draw without it.
      ...(quality.software ? { contextOptions: { webgl: { antialias: false } } } : {}),
      baseLayer: new ImageryLayer(imagery),
      ...(terrain ? { terrainProvider: terrain } : {}),
      baseLayerPicker: false,
      geocoder: false,
      homeButton: false,
      sceneModePicker: false,
      navigationHelpButton: false,
      animation: false,
      timeline: false,
      fullscreenButton: false,
      infoBox: false,
      selectionIndicator: false,
      requestRenderMode: opts.renderOnDemand ?? false,
      maximumRenderTimeChange: Number.POSITIVE_INFINITY,
      skyBox: false,
      skyAtmosphere: false,
      msaaSamples: 1,
    });
    // A command view, not a planetarium: what costs frames on a software renderer and shows
    // nothing a dispatcher needs is off.
    const scene = viewer.scene;
    scene.fog.enabled = false;
    scene.globe.showGroundAtmosphere = false;
    scene.globe.enableLighting = false;
    scene.postProcessStages.fxaa.enabled = false;
    if (scene.sun) scene.sun.show = false;
    if (scene.moon) scene.moon.show = false;
    scene.globe.maximumScreenSpaceError = 2;
    // Clicks on the ground are resolved by intersecting the globe (`pickAt`), never from the
    // depth buffer, so the depth Cesium would keep for that is not copied on every frame.
    scene.useDepthPicking = false;
    viewer.resolutionScale = quality.resolutionScale;
    (window as unknown as { aerieGlobe?: Viewer }).aerieGlobe = viewer;
    viewer.scene.globe.baseColor = Color.fromCssColorString('#0b1e33');
    viewer.camera.setView({
      destination: Cartesian3.fromDegrees(opts.home.lon, opts.home.lat, opts.home.heightM),
      orientation: { heading: 0, pitch: CesiumMath.toRadians(-60), roll: 0 },
    });
    // Boundary overlays the user chose (a district's boundary), outlined on the ground.
    for (const o of settings?.overlays ?? [])
      void GeoJsonDataSource.load(o.url, {
        stroke: Color.fromCssColorString('#ffd24a'),
        strokeWidth: 3,
        fill: Color.TRANSPARENT,
        // Cesium draws no polygon outline clamped to the ground; on the ellipsoid it does.
        clampToGround: false,
      })
        .then((ds) => viewer.dataSources.add(ds))
        .then(() => viewer.scene.requestRender())
        .catch(() => {});
    return new Globe(viewer, quality);
  }

  /** Calls `fn` with what a left click hit: a vehicle, a dock or site, or a ground point. */
  onPick(fn: (pick: GlobePick) => void): () => void {
    this.pickListeners.add(fn);
    return () => this.pickListeners.delete(fn);
  }

  private onClick(position: Cartesian2): void {
    const pick = this.pickAt(position);
    if (pick) for (const l of this.pickListeners) l(pick);
  }

  private pickAt(position: Cartesian2): GlobePick | null {
    const scene = this.viewer.scene;
    // Everything a click can pick is on the overlay; Cesium's own pick (a render of its own, the
    // slowest thing on a software renderer) is never needed.
    const id = this.overlay.pick(position.x, position.y);
    if (typeof id === 'string') return { kind: 'vehicle', id };
    if (id && typeof id === 'object' && 'kind' in id && 'id' in id) {
      const p = id as { kind: 'dock' | 'site' | 'ticket'; id: string };
      return { kind: p.kind, id: p.id };
    }
    const ray = this.viewer.camera.getPickRay(position);
    const ground = ray ? scene.globe.pick(ray, scene) : undefined;
    if (!ground) return null;
    const c = Cartographic.fromCartesian(ground);
    return { kind: 'ground', lon: CesiumMath.toDegrees(c.longitude), lat: CesiumMath.toDegrees(c.latitude) };
  }

  /**
   * Keeps the camera on a vehicle (null: free camera). The first call flies to it; then the
   * camera moves with the vehicle, keeping the user's own orbit and zoom around it.
   */
  follow(vehicleId: string | null): void {
    this.following = vehicleId;
    const camera = this.viewer.camera;
    if (!vehicleId) {
      if (!camera.transform.equals(Matrix4.IDENTITY)) camera.lookAtTransform(Matrix4.IDENTITY);
      return;
    }
    const target = this.vehicleCartesian(vehicleId);
    if (!target) return;
    if (!camera.transform.equals(Matrix4.IDENTITY)) camera.lookAtTransform(Matrix4.IDENTITY);
    this.flying = true;
    const sphere = { center: target, radius: 1 };
    camera.flyToBoundingSphere(sphere as never, {
      offset: new HeadingPitchRange(camera.heading, CesiumMath.toRadians(-35), 900),
      duration: 1.2,
      complete: () => {
        this.flying = false;
        this.track();
      },
      cancel: () => {
        this.flying = false;
      },
    });
  }

  /** Moves the camera with the followed vehicle; call after its position changed. */
  track(): void {
    if (!this.following || this.flying) return;
    const target = this.vehicleCartesian(this.following);
    if (!target) return;
    const camera = this.viewer.camera;
    const frame = Transforms.eastNorthUpToFixedFrame(target, undefined, scratchFrame);
    if (camera.transform.equals(Matrix4.IDENTITY)) {
      camera.lookAt(target, new HeadingPitchRange(camera.heading, camera.pitch, 900));
      return;
    }
    // In a lookAt frame `camera.position` is the offset from the target: keep it.
    camera.lookAtTransform(frame, Cartesian3.clone(camera.position, scratchOffset));
  }

  private vehicleCartesian(vehicleId: string): Cartesian3 | null {
    const p = this.vehicles.positionOf(vehicleId);
    return p ? new Cartesian3(p.x, p.y, p.z) : null;
  }

  /** Flies the free camera to a point (stops following). */
  flyTo(lon: number, lat: number, heightM: number): void {
    this.follow(null);
    this.viewer.camera.flyTo({ destination: Cartesian3.fromDegrees(lon, lat, heightM), duration: 1.2 });
  }

  /** Flies the free camera to look over `points` at an angle, all of them in view. */
  fitPoints(points: ReadonlyArray<{ lon: number; lat: number }>): void {
    if (points.length === 0) return;
    this.follow(null);
    const cartesians = points.map((p) => Cartesian3.fromDegrees(p.lon, p.lat, 0));
    const sphere = BoundingSphere.fromPoints(cartesians);
    this.viewer.camera.flyToBoundingSphere(sphere, {
      offset: new HeadingPitchRange(0, CesiumMath.toRadians(-50), Math.max(sphere.radius * 4.5, 1500)),
      duration: 1.5,
    });
  }

  destroy(): void {
    if (this.viewer.isDestroyed()) return;
    this.handler.destroy();
    this.labels.destroy();
    this.overlay.destroy();
    this.route.destroy();
    this.viewer.destroy();
  }
}

const scratchFrame = new Matrix4();
const scratchOffset = new Cartesian3();
