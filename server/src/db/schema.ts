/**
 * The Aerie database schema, as code. Property names are camelCase, column names snake_case
 * (drizzle `casing` would hide the mapping; spelling each column out keeps the generated SQL
 * obvious when read beside the migration files).
 *
 * Portability: ids are text UUIDs made by the application, times are epoch milliseconds held in
 * integer columns and read as `Date`, JSON is kept as text. Nothing here relies on SQLite
 * behaviour that PostgreSQL lacks, so a `pg-core` twin of this file can carry the same shapes.
 */
import { ROLES, type Role, SORTIE_CLASSES, SORTIE_KINDS, SORTIE_STATUSES } from '@aerie/contracts';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** The contract's roles; the permission matrix (`auth/permissions.ts`) says what each may do. */
export { ROLES, type Role };

const createdAt = () => integer('created_at', { mode: 'timestamp_ms' }).notNull();

export const departments = sqliteTable('departments', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  code: text('code').unique(),
  createdAt: createdAt(),
});

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    departmentId: text('department_id').references(() => departments.id, { onDelete: 'restrict' }),
    passwordHash: text('password_hash').notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('users_department_idx').on(t.departmentId)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    /** SHA-256 of the bearer token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    ip: text('ip'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Administrative grid cells (网格) that tickets are dispatched by; polygon is GeoJSON text. */
export const grids = sqliteTable(
  'grids',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    departmentId: text('department_id').references(() => departments.id, { onDelete: 'set null' }),
    polygonGeoJson: text('polygon_geojson').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('grids_department_idx').on(t.departmentId)],
);

export const sites = sqliteTable(
  'sites',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    description: text('description').notNull().default(''),
    departmentId: text('department_id').references(() => departments.id, { onDelete: 'restrict' }),
    latDeg: real('lat_deg').notNull(),
    lonDeg: real('lon_deg').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sites_department_idx').on(t.departmentId)],
);

export const bridges = sqliteTable('bridges', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  siteId: text('site_id').references(() => sites.id, { onDelete: 'restrict' }),
  /** SHA-256 of the bridge's connection token; shown to the administrator once at creation. */
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: createdAt(),
  lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }),
});

export const docks = sqliteTable(
  'docks',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    serial: text('serial').notNull().unique(),
    model: text('model').notNull(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'restrict' }),
    departmentId: text('department_id').references(() => departments.id, { onDelete: 'restrict' }),
    latDeg: real('lat_deg').notNull(),
    lonDeg: real('lon_deg').notNull(),
    altAmslM: real('alt_amsl_m').notNull(),
    bridgeId: text('bridge_id').references(() => bridges.id, { onDelete: 'set null' }),
    /** MAVLink system and component id of the dock controller on its bridge. */
    sysid: integer('sysid'),
    compid: integer('compid'),
    createdAt: createdAt(),
  },
  (t) => [
    index('docks_site_idx').on(t.siteId),
    index('docks_department_idx').on(t.departmentId),
    uniqueIndex('docks_bridge_sysid_compid_uq').on(t.bridgeId, t.sysid, t.compid),
  ],
);

export const vehicles = sqliteTable(
  'vehicles',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    serial: text('serial').notNull().unique(),
    model: text('model').notNull(),
    /** Camera intrinsics as JSON text (see `CameraParams` in routes/vehicles.ts). */
    cameraJson: text('camera_json'),
    departmentId: text('department_id').references(() => departments.id, { onDelete: 'restrict' }),
    dockId: text('dock_id').references(() => docks.id, { onDelete: 'set null' }),
    /** Binding to a MAVLink system id on one bridge; both null until the vehicle is bound. */
    bridgeId: text('bridge_id').references(() => bridges.id, { onDelete: 'set null' }),
    sysid: integer('sysid'),
    createdAt: createdAt(),
  },
  (t) => [
    index('vehicles_department_idx').on(t.departmentId),
    uniqueIndex('vehicles_bridge_sysid_uq').on(t.bridgeId, t.sysid),
  ],
);

export { SORTIE_KINDS, SORTIE_STATUSES };

/** How a patrol route was drawn (the planner's tool), or 'imported' from a file. */
export const ROUTE_KINDS = ['waypoint', 'survey', 'corridor', 'orbit', 'imported'] as const;

/** Saved patrol routes. `routeJson` is the Aerie route file (missions' `writeAerieRoute`). */
export const patrolRoutes = sqliteTable(
  'patrol_routes',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ROUTE_KINDS }).notNull(),
    routeJson: text('route_json').notNull(),
    departmentId: text('department_id').references(() => departments.id, { onDelete: 'restrict' }),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('patrol_routes_department_idx').on(t.departmentId)],
);

export const ZONE_KINDS = ['nofly', 'controlled', 'inclusion'] as const;

/** Airspace zones (missions' `Zone`): geometry JSON is `{ type: 'polygon', points }` or `{ type: 'circle', center, radiusM }`. */
export const airspaceZones = sqliteTable('airspace_zones', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind', { enum: ZONE_KINDS }).notNull(),
  geometryJson: text('geometry_json').notNull(),
  /** Altitude band in metres above home; null floor = ground, null ceiling = unlimited. */
  floorM: real('floor_m'),
  ceilingM: real('ceiling_m'),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
});

export const SCHEDULE_KINDS = ['recurring', 'once', 'on_demand'] as const;

/**
 * Patrol schedules. `lastDueAt` is the scheduler's bookkeeping: the due time of the last
 * occurrence handled, written with the sortie it started, so a restart never runs it twice.
 */
export const patrolSchedules = sqliteTable(
  'patrol_schedules',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    routeId: text('route_id')
      .notNull()
      .references(() => patrolRoutes.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: SCHEDULE_KINDS }).notNull(),
    rrule: text('rrule'),
    /** Local wall-clock start of the rule in `tz` (e.g. 2026-01-05T00:00). */
    dtstart: text('dtstart'),
    /** The instant of a one-off schedule. */
    runAt: integer('run_at', { mode: 'timestamp_ms' }),
    tz: text('tz').notNull(),
    windowS: integer('window_s').notNull(),
    priority: integer('priority').notNull(),
    /** Docks to fly from, in order of preference (JSON array of ids); null: any dock. */
    dockIdsJson: text('dock_ids_json'),
    departmentId: text('department_id').references(() => departments.id, { onDelete: 'restrict' }),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** Occurrences before this never run (creation, or the last edit of the rule). */
    effectiveFrom: integer('effective_from', { mode: 'timestamp_ms' }).notNull(),
    lastDueAt: integer('last_due_at', { mode: 'timestamp_ms' }),
    lastSortieId: text('last_sortie_id'),
    /** What happened to the last occurrence: 'started', or a failure code (NoDock, WeatherGrounded, ...). */
    lastOutcome: text('last_outcome'),
    lastOutcomeMessage: text('last_outcome_message'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('patrol_schedules_route_idx').on(t.routeId)],
);

/** Sortie classes the orchestrator ranks by (from the contracts, as kinds and statuses are). */
export { SORTIE_CLASSES };

export const sorties = sqliteTable(
  'sorties',
  {
    id: text('id').primaryKey(),
    vehicleId: text('vehicle_id')
      .notNull()
      .references(() => vehicles.id, { onDelete: 'restrict' }),
    dockId: text('dock_id').references(() => docks.id, { onDelete: 'set null' }),
    departmentId: text('department_id').references(() => departments.id, { onDelete: 'set null' }),
    kind: text('kind', { enum: SORTIE_KINDS }).notNull(),
    status: text('status', { enum: SORTIE_STATUSES }).notNull(),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }),
    endedAt: integer('ended_at', { mode: 'timestamp_ms' }),
    distanceM: real('distance_m'),
    durationS: real('duration_s'),
    maxAltRelM: real('max_alt_rel_m'),
    /** A mission (AUTO/mission mode) ran during the sortie: counts as a mission in statistics. */
    missionRan: integer('mission_ran', { mode: 'boolean' }).notNull().default(false),
    /** Why it ended when it did not end normally (link lost, failsafe, ...). */
    endReason: text('end_reason'),
    /**
     * Share (0..1) of the planned area the camera footprint covered (flightlog/coverage.ts),
     * computed when the sortie closes; null without a plan or a track.
     */
    coverageShare: real('coverage_share'),
    /** The planned area that share is of, square metres. */
    coveragePlannedM2: real('coverage_planned_m2'),
    /** The sortie's raw MAVLink recording in the media store, when the bridge sent one. */
    tlogSha256: text('tlog_sha256').references(() => media.sha256, { onDelete: 'set null' }),
    /**
     * Orchestrated sorties: the route and schedule flown (null for sorties only seen in the
     * air). A route or schedule with sorties is kept (deleting it answers 409): history.
     */
    routeId: text('route_id').references(() => patrolRoutes.id),
    scheduleId: text('schedule_id').references(() => patrolSchedules.id),
    sortieClass: text('sortie_class', { enum: SORTIE_CLASSES }),
    priority: integer('priority'),
    /** The orchestrator's phase (missions' SortiePhase); null for sorties it did not run. */
    phase: text('phase'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    /** The failure's figures and tokens (missions' FailureParams) so consoles word it themselves. */
    failureParams: text('failure_params', { mode: 'json' }).$type<Record<string, string | number>>(),
    /** When the run fell due, and the last moment it could start. */
    dueAt: integer('due_at', { mode: 'timestamp_ms' }),
    windowEndAt: integer('window_end_at', { mode: 'timestamp_ms' }),
    /** The route as planned for this flight (Aerie route JSON, after deconfliction). */
    planJson: text('plan_json'),
    /** The mission id the vehicle confirmed after upload. */
    missionId: integer('mission_id'),
    /**
     * The orchestrator's working state of an unfinished sortie (machine state, mission lists,
     * waits), so a server restart resumes it (patrol/orchestrator.ts); null for sorties it did
     * not run.
     */
    orchestratorJson: text('orchestrator_json'),
    createdAt: createdAt(),
  },
  (t) => [
    index('sorties_vehicle_idx').on(t.vehicleId, t.startedAt),
    index('sorties_dock_idx').on(t.dockId, t.startedAt),
    index('sorties_started_idx').on(t.startedAt),
    index('sorties_phase_idx').on(t.phase),
  ],
);

/**
 * Where each bridge's stream has been stored up to: the server ingests bridge items
 * idempotently by (bridge, epoch, seq), and moves `lastSeq` in the same transaction as the
 * items it stores.
 */
export const bridgeCursors = sqliteTable(
  'bridge_cursors',
  {
    bridgeId: text('bridge_id')
      .notNull()
      .references(() => bridges.id, { onDelete: 'cascade' }),
    epoch: text('epoch').notNull(),
    lastSeq: integer('last_seq').notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('bridge_cursors_bridge_epoch_uq').on(t.bridgeId, t.epoch)],
);

/** Content-addressed media (tlogs, frames, evidence crops): bytes in dataDir/media/, metadata here. */
export const media = sqliteTable('media', {
  sha256: text('sha256').primaryKey(),
  kind: text('kind').notNull(),
  mime: text('mime').notNull(),
  bytes: integer('bytes').notNull(),
  createdAt: createdAt(),
});

/** Flight track, recorded at >= 1 Hz per flying vehicle. */
export const trackPoints = sqliteTable(
  'track_points',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sortieId: text('sortie_id')
      .notNull()
      .references(() => sorties.id, { onDelete: 'cascade' }),
    vehicleId: text('vehicle_id')
      .notNull()
      .references(() => vehicles.id, { onDelete: 'cascade' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    latDeg: real('lat_deg').notNull(),
    lonDeg: real('lon_deg').notNull(),
    altAmslM: real('alt_amsl_m'),
    altRelM: real('alt_rel_m'),
    headingDeg: real('heading_deg'),
    groundSpeedMps: real('ground_speed_mps'),
    batteryPct: real('battery_pct'),
  },
  (t) => [
    index('track_points_sortie_at_idx').on(t.sortieId, t.at),
    // Deleting a vehicle cascades here; without this index every delete scans the whole table.
    index('track_points_vehicle_idx').on(t.vehicleId),
  ],
);

/**
 * A sortie's recorded video, one row per segment file (fixed duration, H.264 MP4) kept under
 * `<dataDir>/media/video/<sortieId>/`; the replay finds the segment for a moment by time.
 */
export const sortieVideoSegments = sqliteTable(
  'sortie_video_segments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sortieId: text('sortie_id')
      .notNull()
      .references(() => sorties.id, { onDelete: 'cascade' }),
    vehicleId: text('vehicle_id')
      .notNull()
      .references(() => vehicles.id, { onDelete: 'cascade' }),
    startAt: integer('start_at', { mode: 'timestamp_ms' }).notNull(),
    endAt: integer('end_at', { mode: 'timestamp_ms' }).notNull(),
    /** Path relative to the media folder, e.g. `video/<sortieId>/<startMs>.mp4`. */
    file: text('file').notNull(),
    bytes: integer('bytes').notNull(),
    mime: text('mime').notNull(),
  },
  (t) => [index('sortie_video_segments_sortie_start_idx').on(t.sortieId, t.startAt)],
);

export const vehicleEvents = sqliteTable(
  'vehicle_events',
  {
    id: text('id').primaryKey(),
    vehicleId: text('vehicle_id')
      .notNull()
      .references(() => vehicles.id, { onDelete: 'cascade' }),
    sortieId: text('sortie_id').references(() => sorties.id, { onDelete: 'set null' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    kind: text('kind').notNull(),
    severity: text('severity').notNull(),
    message: text('message').notNull(),
    dataJson: text('data_json'),
  },
  (t) => [index('vehicle_events_vehicle_at_idx').on(t.vehicleId, t.at)],
);

export const commands = sqliteTable(
  'commands',
  {
    id: text('id').primaryKey(),
    vehicleId: text('vehicle_id')
      .notNull()
      .references(() => vehicles.id, { onDelete: 'cascade' }),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    command: text('command').notNull(),
    paramsJson: text('params_json'),
    status: text('status').notNull(),
    resultCode: text('result_code'),
    resultMessage: text('result_message'),
    createdAt: createdAt(),
    completedAt: integer('completed_at', { mode: 'timestamp_ms' }),
    /**
     * 1, 2, ... per vehicle, in the order the commands were sent: the history's order among
     * commands of the same millisecond (the history once used SQLite's rowid, which PostgreSQL
     * lacks).
     */
    seq: integer('seq').notNull().default(0),
  },
  (t) => [index('commands_vehicle_idx').on(t.vehicleId, t.createdAt)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    /** Increasing, so entries made within the same millisecond keep their order. */
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    userId: text('user_id'),
    /** Username as it was at the time (or the name tried, for a failed login). */
    username: text('username'),
    role: text('role'),
    method: text('method').notNull(),
    route: text('route').notNull(),
    targetId: text('target_id'),
    statusCode: integer('status_code').notNull(),
    ip: text('ip'),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

/**
 * What happened at a dock, as its bridge reported it (cycle changes, faults and their
 * clearing, link lost/found) and the commands sent to it (`kind` 'command', with its result).
 */
export const dockEvents = sqliteTable(
  'dock_events',
  {
    id: text('id').primaryKey(),
    dockId: text('dock_id')
      .notNull()
      .references(() => docks.id, { onDelete: 'cascade' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    /** discovered, lost, found, state_changed, fault, fault_cleared, command. */
    kind: text('kind').notNull(),
    /** Fault code, or the command's result code (Accepted, Denied, ...). */
    code: text('code'),
    message: text('message').notNull(),
    dataJson: text('data_json'),
  },
  (t) => [index('dock_events_dock_at_idx').on(t.dockId, t.at)],
);

/**
 * Camera components of vehicles as their bridge discovered them (MAVLink camera protocol:
 * CAMERA_INFORMATION and VIDEO_STREAM_INFORMATION). The newest announcement per camera wins;
 * `streamsJson` is the contract's `CameraStreamsPayload`.
 */
export const vehicleCameras = sqliteTable(
  'vehicle_cameras',
  {
    vehicleId: text('vehicle_id')
      .notNull()
      .references(() => vehicles.id, { onDelete: 'cascade' }),
    compid: integer('compid').notNull(),
    streamsJson: text('streams_json').notNull(),
    announcedAt: integer('announced_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('vehicle_cameras_vehicle_compid_uq').on(t.vehicleId, t.compid)],
);

/**
 * Stills the cameras reported (CAMERA_IMAGE_CAPTURED), each a frame with its pose: `frameJson`
 * is the frame contract's `FrameMeta`; `mediaSha256` names the image in the media store once
 * the server fetched it from `fileUrl` (null until then, or when it could not).
 */
export const cameraImages = sqliteTable(
  'camera_images',
  {
    id: text('id').primaryKey(),
    vehicleId: text('vehicle_id')
      .notNull()
      .references(() => vehicles.id, { onDelete: 'cascade' }),
    compid: integer('compid').notNull(),
    imageIndex: integer('image_index').notNull(),
    capturedAt: integer('captured_at', { mode: 'timestamp_ms' }).notNull(),
    ok: integer('ok', { mode: 'boolean' }).notNull(),
    fileUrl: text('file_url').notNull(),
    frameJson: text('frame_json').notNull(),
    mediaSha256: text('media_sha256'),
    /** Why the image could not be fetched, when it could not. */
    fetchError: text('fetch_error'),
  },
  (t) => [index('camera_images_vehicle_at_idx').on(t.vehicleId, t.capturedAt)],
);

// ---- Tickets (工单): the closed loop from finding to closed work order. ----
// Times are epoch ms; `version` is the optimistic lock every transition checks and bumps.

/** Work-order tickets. Lifecycle fields follow tickets/core/lifecycle.ts. */
export const tickets = sqliteTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    /** GC-YYYYMMDD-NNNN (Asia/Shanghai date). */
    number: text('number').notNull().unique(),
    category: text('category').notNull(),
    status: text('status').notNull(),
    version: integer('version').notNull(),
    /** 'detector', 'triage' (confirmed by a person) or 'citizen' (Open311). */
    source: text('source').notNull(),
    description: text('description').notNull().default(''),
    latDeg: real('lat_deg').notNull(),
    lonDeg: real('lon_deg').notNull(),
    errorM: real('error_m').notNull(),
    gridId: text('grid_id').references(() => grids.id, { onDelete: 'set null' }),
    departmentId: text('department_id').references(() => departments.id, { onDelete: 'restrict' }),
    /** Highest detector score among its occurrences (null for citizen reports). */
    score: real('score'),
    urgent: integer('urgent', { mode: 'boolean' }).notNull().default(false),
    occurrenceCount: integer('occurrence_count').notNull().default(1),
    reopenCount: integer('reopen_count').notNull().default(0),
    lastOccurrenceAt: integer('last_occurrence_at', { mode: 'timestamp_ms' }).notNull(),
    extension: text('extension').notNull().default('none'),
    extensionMinutes: integer('extension_minutes').notNull().default(0),
    dispatchedAt: integer('dispatched_at', { mode: 'timestamp_ms' }),
    signedAt: integer('signed_at', { mode: 'timestamp_ms' }),
    handledAt: integer('handled_at', { mode: 'timestamp_ms' }),
    closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
    signDeadlineAt: integer('sign_deadline_at', { mode: 'timestamp_ms' }),
    handleDeadlineAt: integer('handle_deadline_at', { mode: 'timestamp_ms' }),
    /** Deadline of the clock now running (sign or handle); null when none runs. Overdue: dueAt <= now. */
    dueAt: integer('due_at', { mode: 'timestamp_ms' }),
    /** When the sweep must next look at this ticket (warning, escalation); null: never. */
    nextAlertAt: integer('next_alert_at', { mode: 'timestamp_ms' }),
    warned: integer('warned', { mode: 'boolean' }).notNull().default(false),
    escalationLevel: integer('escalation_level').notNull().default(0),
    /** Whether it was closed by its deadline (按期结案); null until closed. */
    closedOnTime: integer('closed_on_time', { mode: 'boolean' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('tickets_status_created_idx').on(t.status, t.createdAt),
    index('tickets_department_status_created_idx').on(t.departmentId, t.status, t.createdAt),
    index('tickets_category_status_created_idx').on(t.category, t.status, t.createdAt),
    // The console's filtered page (department, category, one or more statuses, newest first) and
    // its total: one range per status over this index, never a scan of the year's tickets. `id`
    // (the page's tie-break) makes it covering, so the page is sorted from the index alone and
    // only the rows shown are read.
    index('tickets_department_category_status_created_idx').on(
      t.departmentId,
      t.category,
      t.status,
      t.createdAt,
      t.id,
    ),
    index('tickets_category_lat_idx').on(t.category, t.latDeg),
    index('tickets_due_idx').on(t.dueAt),
    index('tickets_next_alert_idx').on(t.nextAlertAt),
    index('tickets_created_idx').on(t.createdAt),
  ],
);

/** Every transition of every ticket: who, when, why. (ticket, version) is unique: no lost update. */
export const ticketTransitions = sqliteTable(
  'ticket_transitions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    fromStatus: text('from_status').notNull(),
    toStatus: text('to_status').notNull(),
    version: integer('version').notNull(),
    actorId: text('actor_id'),
    actorRole: text('actor_role').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    reason: text('reason'),
    dataJson: text('data_json'),
  },
  (t) => [uniqueIndex('ticket_transitions_ticket_version_uq').on(t.ticketId, t.version)],
);

/** Warnings (80%) and escalations (督办) raised by the sweep. */
export const ticketAlerts = sqliteTable(
  'ticket_alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** 'warning' or 'escalation'. */
    kind: text('kind').notNull(),
    phase: text('phase').notNull(),
    level: integer('level').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('ticket_alerts_ticket_idx').on(t.ticketId, t.at)],
);

/** Each finding that made or recurred a ticket. */
export const ticketOccurrences = sqliteTable(
  'ticket_occurrences',
  {
    id: text('id').primaryKey(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    score: real('score'),
    latDeg: real('lat_deg').notNull(),
    lonDeg: real('lon_deg').notNull(),
    errorM: real('error_m').notNull(),
    capturedAt: integer('captured_at', { mode: 'timestamp_ms' }).notNull(),
    vehicleId: text('vehicle_id'),
    sortieId: text('sortie_id'),
    /** The finding as received (contracts' GeoFinding), or the citizen report. */
    findingJson: text('finding_json').notNull(),
    /** Distance to the ticket's location (0 for the first). */
    distanceM: real('distance_m').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('ticket_occurrences_ticket_idx').on(t.ticketId, t.capturedAt)],
);

/** Findings below the auto-file score, and citizen reports, waiting for a person (研判). */
export const triageItems = sqliteTable(
  'triage_items',
  {
    id: text('id').primaryKey(),
    /** pending, confirmed, rejected (kept: a labelled false positive). */
    status: text('status').notNull(),
    source: text('source').notNull(),
    category: text('category').notNull(),
    score: real('score'),
    latDeg: real('lat_deg').notNull(),
    lonDeg: real('lon_deg').notNull(),
    errorM: real('error_m').notNull(),
    description: text('description').notNull().default(''),
    findingJson: text('finding_json').notNull(),
    /** The frame, in the media store, when one came with the finding. */
    frameSha256: text('frame_sha256').references(() => media.sha256, { onDelete: 'restrict' }),
    createdAt: createdAt(),
    decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
    decidedBy: text('decided_by').references(() => users.id, { onDelete: 'set null' }),
    reason: text('reason'),
    ticketId: text('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
  },
  (t) => [index('triage_items_status_created_idx').on(t.status, t.createdAt)],
);

/**
 * Evidence files, append-only, in one hash chain (tickets/core/evidence-chain.ts): `seq` is
 * the chain order; the bytes are in the media store under `fileSha256`.
 */
export const evidence = sqliteTable(
  'evidence',
  {
    seq: integer('seq').primaryKey(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'restrict' }),
    /** frame, crop, proof, verification, redacted (a blurred derivative of another record). */
    kind: text('kind').notNull(),
    fileSha256: text('file_sha256')
      .notNull()
      .references(() => media.sha256, { onDelete: 'restrict' }),
    mime: text('mime').notNull(),
    bytes: integer('bytes').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    uploadedBy: text('uploaded_by'),
    /** Detector, score, pose, sortie... as JSON. */
    metaJson: text('meta_json'),
    /**
     * Whether persons in the file were looked for (tickets/core/redaction.ts): pending, clear
     * (none found), blurred (see redactedSeq), not_screened (no detector, or it failed), or
     * not_applicable (a redacted derivative itself).
     */
    screening: text('screening').notNull().default('not_screened'),
    /** The record holding the blurred derivative (kind 'redacted') when screening is 'blurred'. */
    redactedSeq: integer('redacted_seq'),
    prevHash: text('prev_hash').notNull(),
    chainHash: text('chain_hash').notNull().unique(),
  },
  (t) => [index('evidence_ticket_idx').on(t.ticketId, t.seq)],
);

/**
 * Verification flights (核查飞行): an on-demand sortie over a handled ticket's location, and the
 * tally of what the detector saw there (tickets/core/verification.ts) until the sortie ends.
 */
export const verificationFlights = sqliteTable(
  'verification_flights',
  {
    sortieId: text('sortie_id').primaryKey(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'restrict' }),
    category: text('category').notNull(),
    latDeg: real('lat_deg').notNull(),
    lonDeg: real('lon_deg').notNull(),
    /** Findings of the category within this distance (plus their own error) count as the finding. */
    radiusM: real('radius_m').notNull(),
    requestedBy: text('requested_by'),
    createdAt: createdAt(),
    frames: integer('frames').notNull().default(0),
    hits: integer('hits').notNull().default(0),
    /** Consecutive frames up to the last with a sighting, and the longest such run. */
    streak: integer('streak').notNull().default(0),
    longestStreak: integer('longest_streak').notNull().default(0),
    /**
     * Consecutive sighting frames that confirm the finding (`detection.minFrames` at launch);
     * flights recorded before the rule existed counted any one frame.
     */
    confirmFrames: integer('confirm_frames').notNull().default(1),
    bestScore: real('best_score'),
    nearestM: real('nearest_m'),
    /** The verification evidence record carrying the verdict, once attached. */
    evidenceSeq: integer('evidence_seq'),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('verification_flights_ticket_idx').on(t.ticketId)],
);

/** Per-day ticket number sequences (day is YYYYMMDD in Asia/Shanghai). */
export const ticketCounters = sqliteTable('ticket_counters', {
  day: text('day').primaryKey(),
  last: integer('last').notNull(),
});

/** Routing rules: (category or any, grid or any) -> department; the most specific wins. */
export const ticketRoutes = sqliteTable(
  'ticket_routes',
  {
    id: text('id').primaryKey(),
    category: text('category'),
    gridId: text('grid_id').references(() => grids.id, { onDelete: 'cascade' }),
    departmentId: text('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('ticket_routes_category_grid_uq').on(t.category, t.gridId)],
);

/** API keys of Open311 clients (a city hotline) allowed to post service requests. */
export const open311Keys = sqliteTable('open311_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** SHA-256 of the key; the key is shown once at creation. */
  keyHash: text('key_hash').notNull().unique(),
  createdAt: createdAt(),
  revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
});

/** Outbound webhook subscriptions on ticket events. */
export const webhookSubscriptions = sqliteTable('webhook_subscriptions', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  /** HMAC-SHA256 key the receiver verifies signatures with. */
  secret: text('secret').notNull(),
  /** JSON array of event names; empty: every event. */
  eventsJson: text('events_json').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: createdAt(),
});

/** The delivery log of each subscription: one row per event, retried with backoff. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    subscriptionId: text('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    payloadJson: text('payload_json').notNull(),
    /** pending, delivered, failed (retries exhausted). */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('webhook_deliveries_status_next_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.createdAt),
  ],
);

/**
 * Official working calendars an administrator loaded (one row a year: its holidays and make-up
 * working days), on top of the years shipped in tickets/core/holidays-cn.ts. Loading a year
 * again replaces it.
 */
export const calendarYears = sqliteTable('calendar_years', {
  year: integer('year').primaryKey(),
  /** JSON array of YYYY-MM-DD. */
  holidaysJson: text('holidays_json').notNull(),
  /** JSON array of YYYY-MM-DD. */
  makeUpWorkdaysJson: text('make_up_workdays_json').notNull(),
  source: text('source'),
  loadedBy: text('loaded_by').references(() => users.id, { onDelete: 'set null' }),
  loadedAt: integer('loaded_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Named leases for work exactly one server node may do at a time (the patrol scheduler, webhook
 * delivery, driving one sortie). A node holds `name` until `expiresAt` and renews it; another
 * takes it over only once it has expired. Taken and renewed by one conditional upsert
 * (`cluster/leases.ts`), which SQLite and PostgreSQL both run atomically.
 */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  acquiredAt: integer('acquired_at', { mode: 'timestamp_ms' }).notNull(),
});
