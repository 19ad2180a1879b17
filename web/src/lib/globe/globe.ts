/**
 * The one place that knows Cesium. Features hand it data (vehicles, routes, docks) and get
 * picks back; they never import 'cesium' themselves. Works with no internet: the default
 * imagery is Cesium's bundled Natural Earth II (served from the console's own /cesium/
 * folder), no Ion token is used, and the ellipsoid stands in for terrain unless a terrain
 * server is configured.
 */
import {
  buildModuleUrl,
  Cartesian3,
  Math as CesiumMath,
  Color,
  ImageryLayer,
  Ion,
  TileMapServiceImageryProvider,
  Viewer,
} from 'cesium';
import 'cesium/Build/Cesium/Widgets/widgets.css';

// No Ion: nothing may reach the internet, and a default token would try to.
Ion.defaultAccessToken = '';

export interface GlobeOptions {
  container: HTMLElement;
  /** Where the camera starts (degrees, metres above the ellipsoid). */
  home: { lat: number; lon: number; heightM: number };
}

export class Globe {
  readonly viewer: Viewer;

  private constructor(viewer: Viewer) {
    this.viewer = viewer;
  }

  static async create(opts: GlobeOptions): Promise<Globe> {
    const imagery = await TileMapServiceImageryProvider.fromUrl(
      buildModuleUrl('Assets/Textures/NaturalEarthII'),
    );
    const viewer = new Viewer(opts.container, {
      baseLayer: new ImageryLayer(imagery),
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
      requestRenderMode: false,
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
    (window as unknown as { aerieGlobe?: Viewer }).aerieGlobe = viewer;
    viewer.scene.globe.baseColor = Color.fromCssColorString('#0b1e33');
    viewer.camera.setView({
      destination: Cartesian3.fromDegrees(opts.home.lon, opts.home.lat, opts.home.heightM),
      orientation: { heading: 0, pitch: CesiumMath.toRadians(-60), roll: 0 },
    });
    return new Globe(viewer);
  }

  destroy(): void {
    if (!this.viewer.isDestroyed()) this.viewer.destroy();
  }
}
