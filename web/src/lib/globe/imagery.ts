/**
 * Basemap and terrain from the server's console settings (`GET /api/console/settings`): a
 * configured XYZ / WMTS tile server, else the basemap Aerie serves from its maps folder (vector
 * maps as PNG tiles the server draws, since Cesium has no vector tiles), else Cesium's bundled
 * Natural Earth II.
 *
 * GCJ-02 tiles (AMap and other Chinese providers) are drawn where the ground really is by
 * shifting the tiles, not the vehicles: a Web Mercator tiling scheme whose projection converts
 * WGS-84 <-> GCJ-02 around the Mercator maths, so every tile's rectangle on the globe is moved
 * by the local offset (it varies by well under a metre across one tile at street zoom). Vehicle
 * positions stay exactly as reported, in WGS-84.
 */
import {
  buildModuleUrl,
  type Cartesian3,
  Cartographic,
  Math as CesiumMath,
  CesiumTerrainProvider,
  type ImageryProvider,
  type TerrainProvider,
  TileMapServiceImageryProvider,
  UrlTemplateImageryProvider,
  WebMapTileServiceImageryProvider,
  WebMercatorProjection,
  WebMercatorTilingScheme,
} from 'cesium';
import type { ImagerySettings } from '../console-settings.ts';
import { gcj02ToWgs84, wgs84ToGcj02 } from '../geo/gcj02.ts';

export type { ImagerySettings };

/** The maps-folder basemap's part the globe needs (mirrors the server's `basemap`). */
export interface GlobeBasemap {
  format: 'vector' | 'raster';
  rasterTiles: string;
  crs: 'wgs84' | 'gcj02';
  maxZoom: number;
}

/** Server-drawn PNGs of a vector map stay sharp past its last zoom (they are cut from it). */
const VECTOR_OVERZOOM = 4;

/** Web Mercator of GCJ-02 coordinates, taking and giving WGS-84. */
class Gcj02MercatorProjection extends WebMercatorProjection {
  override project(cartographic: Cartographic, result?: Cartesian3): Cartesian3 {
    const g = wgs84ToGcj02(
      CesiumMath.toDegrees(cartographic.longitude),
      CesiumMath.toDegrees(cartographic.latitude),
    );
    const shifted = Cartographic.fromDegrees(g.lon, g.lat, cartographic.height, scratchCarto);
    return super.project(shifted, result);
  }

  override unproject(cartesian: Cartesian3, result?: Cartographic): Cartographic {
    const c = super.unproject(cartesian, result);
    const w = gcj02ToWgs84(CesiumMath.toDegrees(c.longitude), CesiumMath.toDegrees(c.latitude));
    c.longitude = CesiumMath.toRadians(w.lon);
    c.latitude = CesiumMath.toRadians(w.lat);
    return c;
  }
}
const scratchCarto = new Cartographic();

/** A Web Mercator tiling scheme for tiles cut in GCJ-02. */
export function gcj02TilingScheme(): WebMercatorTilingScheme {
  const scheme = new WebMercatorTilingScheme();
  // The scheme reads its projection from this field in tileXYToRectangle / positionToTileXY.
  (scheme as unknown as { _projection: WebMercatorProjection })._projection = new Gcj02MercatorProjection();
  return scheme;
}

/** The base imagery for `settings`, else `basemap`, else Natural Earth II. */
export async function createImagery(
  settings: ImagerySettings | null,
  basemap: GlobeBasemap | null = null,
): Promise<ImageryProvider> {
  if (!settings || settings.type === 'none' || !settings.url) {
    if (basemap)
      return new UrlTemplateImageryProvider({
        url: basemap.rasterTiles,
        tilingScheme: basemap.crs === 'gcj02' ? gcj02TilingScheme() : new WebMercatorTilingScheme(),
        maximumLevel: basemap.maxZoom + (basemap.format === 'vector' ? VECTOR_OVERZOOM : 0),
      });
    return TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII'));
  }
  const tilingScheme = settings.crs === 'gcj02' ? gcj02TilingScheme() : new WebMercatorTilingScheme();
  const maximumLevel = settings.maxZoom ?? 18;
  if (settings.type === 'wmts') {
    return new WebMapTileServiceImageryProvider({
      url: settings.url,
      layer: settings.layer ?? '',
      style: 'default',
      format: 'image/png',
      tileMatrixSetID: 'GoogleMapsCompatible',
      tilingScheme,
      maximumLevel,
    });
  }
  return new UrlTemplateImageryProvider({ url: settings.url, tilingScheme, maximumLevel });
}

/** A quantized-mesh terrain server, or null (the ellipsoid) when none is configured. */
export async function createTerrain(url: string | null): Promise<TerrainProvider | null> {
  if (!url) return null;
  return CesiumTerrainProvider.fromUrl(url);
}
