/**
 * Server configuration: one schema with defaults, checked at start-up. Library code receives a
 * parsed `ServerConfig`; only the entry point (`server.ts`) looks at the environment, through
 * `configFromEnv`.
 */

import { join } from 'node:path';
import { fail, ok, type Result } from '@aerie/contracts';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { schemaProblems } from './schema-problems.ts';
import { TicketPolicySchema } from './tickets/core/policy.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** JSON schema of the server configuration; every field but `adminPassword` has a default. */
export const ServerConfigSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', minLength: 1, description: 'Address to listen on' }),
    port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535, description: '0 lets the OS choose' }),
    dataDir: Type.String({ default: './data', minLength: 1, description: 'Database and media folder' }),
    adminPassword: Type.Optional(
      Type.String({
        minLength: 8,
        description: 'Password of the first administrator `admin`, used only when no user exists yet',
      }),
    ),
    consoleDir: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
      default: null,
      description: 'The built web console, served at / (null: API only)',
    }),
    sqliteWal: Type.Boolean({ default: true, description: 'SQLite write-ahead logging' }),
    databaseUrl: Type.Union(
      [
        Type.String({
          pattern: '^postgres(ql)?://',
          description: 'postgres://user:password@host:port/database',
        }),
        Type.Null(),
      ],
      {
        default: null,
        description: 'PostgreSQL 15 instead of the embedded SQLite file in dataDir (null: SQLite)',
      },
    ),
    sessionTtlS: Type.Integer({ default: 12 * 3600, minimum: 60, description: 'Session lifetime' }),
    cookieSecure: Type.Boolean({
      default: false,
      description: 'Mark the session cookie Secure (set when served over HTTPS)',
    }),
    trustProxy: Type.Boolean({ default: false, description: 'Take client addresses from X-Forwarded-For' }),
    logLevel: Type.Enum(LOG_LEVELS, { default: 'info' }),
    sortieLostAfterS: Type.Integer({
      default: 120,
      minimum: 10,
      maximum: 86_400,
      description: 'An aircraft silent this long in the air has its sortie closed as lost, with an alert',
    }),
    cluster: Type.Object(
      {
        redisUrl: Type.Union([Type.String({ pattern: '^rediss?://' }), Type.Null()], {
          default: null,
          description:
            'Redis for several server nodes (redis://host:port): Socket.IO fan-out between nodes, shared login limits (null: one node)',
        }),
        nodeId: Type.Union([Type.String({ minLength: 1, maxLength: 120 }), Type.Null()], {
          default: null,
          description:
            "This node's name in leases and logs (null: host name, process id and a random suffix)",
        }),
        leaseTtlS: Type.Number({
          default: 15,
          minimum: 1,
          maximum: 600,
          description:
            "How long a node keeps the scheduler, webhook delivery or a sortie after its last renewal; a dead node's work moves on after this",
        }),
      },
      { default: {}, additionalProperties: false, description: 'Several server nodes on one database' },
    ),
    login: Type.Object(
      {
        maxFailures: Type.Integer({
          default: 5,
          minimum: 1,
          description: 'Failed logins allowed per window',
        }),
        windowS: Type.Integer({ default: 60, minimum: 1, description: 'Failure counting window' }),
      },
      { default: {}, additionalProperties: false },
    ),
    console: Type.Object(
      {
        imagery: Type.Object(
          {
            type: Type.Union([Type.Literal('none'), Type.Literal('xyz'), Type.Literal('wmts')], {
              default: 'none',
              description: "Basemap tiles: 'none' keeps Cesium's bundled Natural Earth II",
            }),
            url: Type.String({
              default: '',
              description: 'Tile URL template ({z}/{x}/{y}; WMTS: {TileMatrix}/{TileCol}/{TileRow})',
            }),
            layer: Type.Optional(Type.String({ minLength: 1, description: 'WMTS layer name' })),
            crs: Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')], {
              default: 'wgs84',
              description: "Datum of the tiles: 'gcj02' for Chinese-shifted basemaps (AMap)",
            }),
            maxZoom: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 })),
          },
          { default: {}, additionalProperties: false },
        ),
        terrainUrl: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
          default: null,
          description: 'A quantized-mesh terrain server (null: the ellipsoid)',
        }),
      },
      { default: {}, additionalProperties: false, description: 'What the web console draws its globe with' },
    ),
    map: Type.Object(
      {
        tilesDir: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
          default: null,
          description: 'Folder of .pmtiles / .mbtiles basemaps served at /api/maps (null: <dataDir>/maps)',
        }),
        basemap: Type.String({
          default: 'aerie-default',
          description: "The map the console draws when no imagery server is configured ('': none)",
        }),
        generateDefault: Type.Boolean({
          default: true,
          description: 'Cut the default basemap (aerie-default) from packaged map data at start when missing',
        }),
        defaultRegion: Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()], {
          default: [109.5, 20.1, 117.4, 25.6],
          description:
            'West, south, east, north (degrees) the default basemap is cut to full detail (Guangdong)',
        }),
        defaultMaxZoom: Type.Integer({ default: 11, minimum: 6, maximum: 13 }),
      },
      { default: {}, additionalProperties: false, description: 'Offline basemaps Aerie serves itself' },
    ),
    /** The ticket desk: per-category thresholds, radii and time limits, the working calendar. */
    tickets: TicketPolicySchema,
    video: Type.Object(
      {
        simCameraUrl: Type.String({
          default: '',
          description: 'Simulated cameras, {sysid} replaced (Motion-JPEG over HTTP; `aerie up` sets it)',
        }),
        sources: Type.Record(Type.String(), Type.String({ minLength: 1 }), {
          default: {},
          description:
            'Vehicle id or serial -> rtsp:// (append ?listen to wait for a push), rtmp:// or http:// camera',
        }),
        ffmpegPath: Type.String({ default: 'ffmpeg', minLength: 1 }),
        subStream: Type.Boolean({
          default: true,
          description:
            "Offer wall tiles a 640x360 sub-stream of H.264 cameras (the camera's own if it announces one, else encoded once per watched stream)",
        }),
        stillHosts: Type.Array(Type.String({ minLength: 1 }), {
          default: [],
          description:
            "Host names camera stills may be fetched from besides the vehicle's announced stream hosts and simCameraUrl's host",
        }),
        recording: Type.Object(
          {
            enabled: Type.Boolean({ default: true, description: "Record each sortie's video" }),
            segmentS: Type.Number({
              default: 10,
              minimum: 1,
              maximum: 600,
              description: 'Segment length (s)',
            }),
            retentionDays: Type.Number({
              default: 30,
              exclusiveMinimum: 0,
              description: 'Recorded segments older than this are deleted',
            }),
          },
          { default: {}, additionalProperties: false, description: 'Sortie video recording' },
        ),
      },
      { default: {}, additionalProperties: false, description: 'Live video sources and sortie recording' },
    ),
    media: Type.Object(
      {
        url: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
          default: null,
          description:
            'Where media live: null for <dataDir>/media, file:///path for another folder, s3://bucket/prefix for S3-compatible object storage (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)',
        }),
        s3: Type.Object(
          {
            endpoint: Type.Union([Type.String({ pattern: '^https?://[^\\s]+$' }), Type.Null()], {
              default: null,
              description: 'Endpoint of an S3-compatible server (MinIO, Ceph RGW); null: AWS S3',
            }),
            region: Type.String({ default: 'us-east-1', minLength: 1, description: 'S3 region' }),
            pathStyle: Type.Boolean({
              default: false,
              description: 'Path-style addressing (http://host/bucket/key), which MinIO-like servers need',
            }),
          },
          { default: {}, additionalProperties: false },
        ),
      },
      {
        default: {},
        additionalProperties: false,
        description: 'Media store (evidence, frames, snapshots, tlogs, video segments)',
      },
    ),
    evidence: Type.Object(
      {
        modelsDir: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
          default: null,
          description:
            'Model registry folder holding the person model (null: evidence is stored unscreened and department officers see a notice instead of the image)',
        }),
        personModel: Type.String({
          default: 'nanodet_m_coco',
          minLength: 1,
          description: 'The COCO model whose person boxes are blurred in evidence images',
        }),
      },
      {
        default: {},
        additionalProperties: false,
        description: 'Persons in evidence images blurred for roles without evidence.original',
      },
    ),
    detection: Type.Object(
      {
        enabled: Type.Boolean({
          default: false,
          description: 'Sample camera frames of flying vehicles, detect, and file findings as tickets',
        }),
        fps: Type.Number({
          default: 2,
          exclusiveMinimum: 0,
          maximum: 30,
          description: 'Frames per vehicle per second',
        }),
        vehicles: Type.Union([Type.Literal('flying'), Type.Literal('online')], {
          default: 'flying',
          description: "Which vehicles' cameras are sampled: armed and in the air, or every online one",
        }),
        minFrames: Type.Integer({
          default: 2,
          minimum: 1,
          description: 'Consecutive frames a finding must be seen in before it goes to the ticket desk',
        }),
        workers: Type.Integer({
          default: 1,
          minimum: 1,
          maximum: 8,
          description: 'Inference worker threads',
        }),
        modelsDir: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
          default: null,
          description: 'ONNX model registry folder (null: the image-analysis detectors only)',
        }),
        redisUrl: Type.Union([Type.String({ pattern: '^rediss?://' }), Type.Null()], {
          default: null,
          description:
            'Redis for the detection job queue (redis://host:port): frames become BullMQ jobs that `aerie inference-worker` processes analyse (null: the pipeline runs in this process)',
        }),
        demFile: Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
          default: null,
          description:
            'Terrain for placing findings: an ESRI ASCII grid (.asc) in WGS-84 degrees, heights in metres MSL (null: flat ground at the take-off elevation)',
        }),
        gimbal: Type.Object(
          {
            pitchDeg: Type.Number({ default: -90, minimum: -180, maximum: 180 }),
            yawDeg: Type.Number({ default: 0 }),
            rollDeg: Type.Number({ default: 0 }),
          },
          {
            default: {},
            additionalProperties: false,
            description: "The cameras' gimbal (simulated: straight down)",
          },
        ),
        camera: Type.Object(
          {
            hfovDeg: Type.Number({ default: 70, exclusiveMinimum: 0, exclusiveMaximum: 180 }),
            width: Type.Integer({ default: 1280, minimum: 1 }),
            height: Type.Integer({ default: 720, minimum: 1 }),
          },
          {
            default: {},
            additionalProperties: false,
            description: "The cameras' lens (simulated: 70 deg, 1280x720)",
          },
        ),
        poseWaitMs: Type.Integer({
          default: 1000,
          minimum: 0,
          description: 'How long a frame waits for the telemetry sample after its capture time',
        }),
      },
      { default: {}, additionalProperties: false, description: 'Frames to detection to tickets' },
    ),
  },
  { additionalProperties: false },
);

/** A checked configuration with every default filled in. */
export type ServerConfig = Static<typeof ServerConfigSchema>;

/** Input to `parseServerConfig`: any subset of the fields. */
export type ServerConfigInput = Partial<
  Omit<
    ServerConfig,
    'login' | 'console' | 'tickets' | 'video' | 'detection' | 'evidence' | 'map' | 'media' | 'cluster'
  >
> & {
  media?: { url?: string | null; s3?: Partial<ServerConfig['media']['s3']> };
  map?: Partial<ServerConfig['map']>;
  evidence?: Partial<ServerConfig['evidence']>;
  /** Any subset of the ticket policy (tickets/core/policy.ts). */
  tickets?: Record<string, unknown>;
  video?: Partial<Omit<ServerConfig['video'], 'recording'>> & {
    recording?: Partial<ServerConfig['video']['recording']>;
  };
  detection?: Partial<Omit<ServerConfig['detection'], 'gimbal' | 'camera'>> & {
    gimbal?: Partial<ServerConfig['detection']['gimbal']>;
    camera?: Partial<ServerConfig['detection']['camera']>;
  };
  login?: Partial<ServerConfig['login']>;
  cluster?: Partial<ServerConfig['cluster']>;
  console?: {
    imagery?: Partial<ServerConfig['console']['imagery']>;
    terrainUrl?: string | null;
  };
};

/** What the web console draws its globe with (`GET /api/console/settings`). */
export type ConsoleSettings = ServerConfig['console'];

/**
 * Fills defaults and checks `input`. Fails with code 'InvalidConfig' and a message naming every
 * bad field, so start-up stops with something an operator can act on.
 */
export function parseServerConfig(input: unknown): Result<ServerConfig, 'InvalidConfig'> {
  const withDefaults = Value.Default(ServerConfigSchema, Value.Clone(input ?? {}));
  if (Value.Check(ServerConfigSchema, withDefaults)) {
    const imagery = withDefaults.console.imagery;
    if (imagery.type !== 'none' && !imagery.url)
      return fail(
        'InvalidConfig',
        `invalid server configuration: /console/imagery/url: ${imagery.type} imagery needs a tile URL`,
      );
    return ok(withDefaults);
  }
  const problems = schemaProblems(ServerConfigSchema, withDefaults);
  return fail('InvalidConfig', `invalid server configuration: ${problems.join('; ')}`);
}

/**
 * Maps environment variables to configuration input: PORT, AERIE_HOST, AERIE_DATA_DIR,
 * AERIE_ADMIN_PASSWORD, AERIE_CONSOLE_DIR, AERIE_LOG_LEVEL, AERIE_COOKIE_SECURE, AERIE_TRUST_PROXY,
 * AERIE_IMAGERY_URL/TYPE/CRS/LAYER/MAX_ZOOM, AERIE_TERRAIN_URL, AERIE_SORTIE_LOST_AFTER_S,
 * AERIE_TICKET_POLICY (JSON), AERIE_VIDEO_SIM_URL, AERIE_VIDEO_SOURCES (JSON object: vehicle id -> URL),
 * AERIE_DETECTION (true/1), AERIE_DETECTION_FPS, AERIE_MODELS_DIR, AERIE_DEM_FILE, AERIE_REDIS_URL, AERIE_MAP_DIR,
 * AERIE_BASEMAP (a map name, '' for none), AERIE_MEDIA_URL, AERIE_S3_ENDPOINT, AERIE_S3_REGION,
 * AERIE_S3_PATH_STYLE (true/1), AERIE_NODE_ID, AERIE_LEASE_TTL_S, AERIE_DATABASE_URL (postgres://...). Takes the
 * environment as an argument so only the entry point touches `process.env`. Numbers that do
 * not parse are passed through as text, so the schema check names them.
 */
export function configFromEnv(env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const num = (v: string) => (/^\d+$/.test(v) ? Number(v) : v);
  const bool = (v: string) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v);
  if (env.PORT) out.port = num(env.PORT);
  if (env.AERIE_HOST) out.host = env.AERIE_HOST;
  if (env.AERIE_DATA_DIR) out.dataDir = env.AERIE_DATA_DIR;
  if (env.AERIE_DATABASE_URL) out.databaseUrl = env.AERIE_DATABASE_URL;
  if (env.AERIE_ADMIN_PASSWORD) out.adminPassword = env.AERIE_ADMIN_PASSWORD;
  if (env.AERIE_CONSOLE_DIR) out.consoleDir = env.AERIE_CONSOLE_DIR;
  if (env.AERIE_LOG_LEVEL) out.logLevel = env.AERIE_LOG_LEVEL;
  if (env.AERIE_COOKIE_SECURE) out.cookieSecure = bool(env.AERIE_COOKIE_SECURE);
  if (env.AERIE_TRUST_PROXY) out.trustProxy = bool(env.AERIE_TRUST_PROXY);
  if (env.AERIE_SORTIE_LOST_AFTER_S) out.sortieLostAfterS = num(env.AERIE_SORTIE_LOST_AFTER_S);
  const cluster: Record<string, unknown> = {};
  if (env.AERIE_REDIS_URL) cluster.redisUrl = env.AERIE_REDIS_URL;
  if (env.AERIE_NODE_ID) cluster.nodeId = env.AERIE_NODE_ID;
  if (env.AERIE_LEASE_TTL_S)
    cluster.leaseTtlS = /^\d+(\.\d+)?$/.test(env.AERIE_LEASE_TTL_S)
      ? Number(env.AERIE_LEASE_TTL_S)
      : env.AERIE_LEASE_TTL_S;
  if (Object.keys(cluster).length > 0) out.cluster = cluster;
  const imagery: Record<string, unknown> = {};
  if (env.AERIE_IMAGERY_URL) imagery.url = env.AERIE_IMAGERY_URL;
  // A URL alone means XYZ tiles, the common case of a self-hosted tile server.
  if (env.AERIE_IMAGERY_TYPE) imagery.type = env.AERIE_IMAGERY_TYPE;
  else if (env.AERIE_IMAGERY_URL) imagery.type = 'xyz';
  if (env.AERIE_IMAGERY_CRS) imagery.crs = env.AERIE_IMAGERY_CRS;
  if (env.AERIE_IMAGERY_LAYER) imagery.layer = env.AERIE_IMAGERY_LAYER;
  if (env.AERIE_IMAGERY_MAX_ZOOM) imagery.maxZoom = num(env.AERIE_IMAGERY_MAX_ZOOM);
  const consoleCfg: Record<string, unknown> = {};
  if (Object.keys(imagery).length > 0) consoleCfg.imagery = imagery;
  if (env.AERIE_TERRAIN_URL) consoleCfg.terrainUrl = env.AERIE_TERRAIN_URL;
  if (Object.keys(consoleCfg).length > 0) out.console = consoleCfg;
  const map: Record<string, unknown> = {};
  if (env.AERIE_MAP_DIR) map.tilesDir = env.AERIE_MAP_DIR;
  if (env.AERIE_BASEMAP !== undefined) map.basemap = env.AERIE_BASEMAP;
  if (Object.keys(map).length > 0) out.map = map;
  const s3: Record<string, unknown> = {};
  if (env.AERIE_S3_ENDPOINT) s3.endpoint = env.AERIE_S3_ENDPOINT;
  if (env.AERIE_S3_REGION) s3.region = env.AERIE_S3_REGION;
  if (env.AERIE_S3_PATH_STYLE) s3.pathStyle = bool(env.AERIE_S3_PATH_STYLE);
  if (env.AERIE_MEDIA_URL || Object.keys(s3).length > 0)
    out.media = { ...(env.AERIE_MEDIA_URL ? { url: env.AERIE_MEDIA_URL } : {}), s3 };
  if (env.AERIE_TICKET_POLICY) out.tickets = jsonOr(env.AERIE_TICKET_POLICY);
  const video: Record<string, unknown> = {};
  if (env.AERIE_VIDEO_SIM_URL) video.simCameraUrl = env.AERIE_VIDEO_SIM_URL;
  if (env.AERIE_VIDEO_SOURCES) video.sources = jsonOr(env.AERIE_VIDEO_SOURCES);
  const recording: Record<string, unknown> = {};
  if (env.AERIE_VIDEO_RECORD) recording.enabled = bool(env.AERIE_VIDEO_RECORD);
  if (env.AERIE_VIDEO_SEGMENT_S) recording.segmentS = num(env.AERIE_VIDEO_SEGMENT_S);
  if (env.AERIE_VIDEO_RETENTION_DAYS) recording.retentionDays = num(env.AERIE_VIDEO_RETENTION_DAYS);
  if (Object.keys(recording).length > 0) video.recording = recording;
  if (Object.keys(video).length > 0) out.video = video;
  const detection: Record<string, unknown> = {};
  if (env.AERIE_DETECTION) detection.enabled = bool(env.AERIE_DETECTION);
  if (env.AERIE_DETECTION_FPS)
    detection.fps = /^\d+(\.\d+)?$/.test(env.AERIE_DETECTION_FPS)
      ? Number(env.AERIE_DETECTION_FPS)
      : env.AERIE_DETECTION_FPS;
  if (env.AERIE_MODELS_DIR) detection.modelsDir = env.AERIE_MODELS_DIR;
  if (env.AERIE_MODELS_DIR) out.evidence = { modelsDir: env.AERIE_MODELS_DIR };
  if (env.AERIE_DEM_FILE) detection.demFile = env.AERIE_DEM_FILE;
  if (env.AERIE_REDIS_URL) detection.redisUrl = env.AERIE_REDIS_URL;
  if (Object.keys(detection).length > 0) out.detection = detection;
  return out;
}

/** The maps folder: `map.tilesDir`, or `maps` in the data directory. */
export function mapsDirOf(config: Pick<ServerConfig, 'dataDir' | 'map'>): string {
  return config.map.tilesDir ?? join(config.dataDir, 'maps');
}

/** JSON from an environment variable, or the text itself so the schema check names it. */
function jsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
