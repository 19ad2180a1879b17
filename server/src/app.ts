/**
 * `build(opts)` assembles the HTTP application without listening, so tests drive it with
 * `app.inject()` and `server.ts` only adds `listen`. The pieces the bridge channel and the
 * telemetry fan-out will need (database, live-state store, permission check) are on
 * `app.aerie`.
 */

import { FINAL_SORTIE_PHASES } from '@aerie/missions';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { installAudit } from './audit.ts';
import { MemoryLoginLimiter, RedisLoginLimiter } from './auth/login-limiter.ts';
import { installAuth } from './auth/plugin.ts';
import { type AdminBootstrap, ensureFirstAdmin } from './bootstrap-admin.ts';
import { BridgeChannel } from './channel/bridge-channel.ts';
import type { BridgeHub, IngestSink } from './channel/contracts.ts';
import { attachSocketIo } from './channel/io.ts';
import type { BridgeRelay } from './cluster/bridge-relay.ts';
import {
  type Cluster,
  localView,
  openCluster,
  relayBridgeRequests,
  relaySortieAborts,
  replicateLive,
  startNodeLoad,
} from './cluster/index.ts';
import { mapsDirOf, parseServerConfig, type ServerConfig, type ServerConfigInput } from './config.ts';
import type { AppContext } from './context.ts';
import { openDatabase } from './db/client.ts';
import { installDetection } from './detection/index.ts';
import { FlightLog } from './flightlog/flight-log.ts';
import { installConsole } from './http/console-static.ts';
import { ApiError, ErrorBody, installErrorHandlers } from './http/errors.ts';
import { installValidation } from './http/validation.ts';
import { attachConsole, type ConsoleFanout, type ConsoleFanoutOptions } from './live/console-fanout.ts';
import { createDockCommander, type DockCommander } from './live/dock-commands.ts';
import { attachDockConsole } from './live/dock-console.ts';
import { LiveDockStore } from './live/dock-store.ts';
import { LiveStateStore } from './live/live-state-store.ts';
import { DepartmentDirectory } from './live/visibility.ts';
import { MapLibrary } from './maps/library.ts';
import { registerMapRoutes } from './maps/routes.ts';
import { MediaLibrary } from './media/library.ts';
import { openMediaStore } from './media/open.ts';
import type { MediaStore } from './media/store.ts';
import { createPatrol, type Patrol, type PatrolOptions, registerPatrolRoutes } from './patrol/index.ts';
import { sortieProgressPublisher, uploadProgressPublisher } from './patrol/sortie-console.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerBridgeRoutes } from './routes/bridges.ts';
import { registerCommandRoutes } from './routes/commands.ts';
import { registerConsoleSettingsRoutes } from './routes/console-settings.ts';
import { registerDepartmentRoutes } from './routes/departments.ts';
import { registerDockLiveRoutes, registerDockRoutes } from './routes/docks.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerSiteRoutes } from './routes/sites.ts';
import { registerSortieRoutes } from './routes/sorties.ts';
import { registerStatsRoutes } from './routes/stats.ts';
import { registerUserRoutes } from './routes/users.ts';
import { registerVehicleRoutes } from './routes/vehicles.ts';
import { fireAlertPublisher } from './tickets/fire-alert.ts';
import {
  createTicketDesk,
  installEvidenceScreening,
  installOpen311,
  installTickets,
  type TicketDesk,
  type TicketsOptions,
  WebhookDispatcher,
} from './tickets/index.ts';
import { ticketChangePublisher } from './tickets/ticket-console.ts';
import { CapturedImages } from './video/camera-announcements.ts';
import { registerVideoRoutes } from './video/routes.ts';

/** Options of `build`. */
export interface BuildOptions {
  /** Configuration input; defaults are filled and the whole is checked (throws if invalid). */
  config?: ServerConfigInput;
  /** Live vehicle state; pass the store the bridge channel writes to. A new one otherwise. */
  liveState?: LiveStateStore;
  /** Clock in epoch ms (tests move it to expire rate-limit windows and sessions). */
  now?: () => number;
  /**
   * Where the one-time random admin password goes on first start. Defaults to stdout; it is
   * deliberately not the logger, so it never lands in log files or collectors.
   */
  announce?: (text: string) => void;
  /** Where log lines go (defaults to stdout); tests capture them here. */
  logStream?: { write(line: string): void };
  /** Where the bridge channel stores items; the flight log unless a test passes a fake. */
  ingestSink?: IngestSink;
  /** Where vehicle commands go; the bridge channel unless a test passes a fake hub. */
  bridgeHub?: BridgeHub;
  /** Rates of the `/console` telemetry fan-out (tests shorten them). */
  consoleOptions?: ConsoleFanoutOptions;
  /** Scheduler and orchestrator settings (tests shorten the tick, lower timeouts). */
  patrol?: PatrolOptions;
  /** Ticket desk settings (tests turn the sweep timer off and sweep by hand). */
  tickets?: TicketsOptions;
  /** The media store; the configured one (`media.url`) unless a test passes its own. */
  mediaStore?: MediaStore;
}

/** What `build` hangs on the app for the parts wired later (bridge channel, fan-out). */
export interface AerieHandle extends AppContext {
  /** What happened to the first administrator during this start. */
  readonly adminBootstrap: AdminBootstrap;
  /** The IngestSink the bridge channel feeds (sorties, track, events; tlogs via attachTlog). */
  readonly flightLog: FlightLog;
  /** The `/bridge` namespace: ingest, and the BridgeHub (also `bridgeHub`); emits stored vehicle events. */
  readonly bridgeChannel: BridgeChannel;
  /** Live dock status from the bridges: `getDock(dockId)`, `onDockChange(listener)`. */
  readonly docks: LiveDockStore;
  /** Sends a dock command through the dock's bridge; resolves with the dock's coded answer. */
  readonly dockCommands: DockCommander;
  /** This node among several (Redis, leases); a single node owns everything when not clustered. */
  readonly cluster: Cluster;
}

declare module 'fastify' {
  interface FastifyInstance {
    aerie: AerieHandle;
    /** Patrols: the sortie orchestrator and the scheduler loop. */
    patrol: Patrol;
    /** The `/console` telemetry fan-out to web consoles. */
    consoleFanout: ConsoleFanout;
    /** The ticket desk: intake, transitions, sweep, and `onTicketEvent(listener)`. */
    tickets: TicketDesk;
    /** Outbound webhooks on ticket events (`deliverDue()` attempts what is due now). */
    webhooks: WebhookDispatcher;
  }
}

/** Builds the Aerie HTTP application on the configured data directory (migrating it). */
export async function build(opts: BuildOptions = {}): Promise<FastifyInstance> {
  const parsed = parseServerConfig(opts.config ?? {});
  if (!parsed.ok) throw new Error(parsed.error.message);
  const config: ServerConfig = parsed.value;
  const now = opts.now ?? Date.now;

  // A media store that cannot be used (bucket missing, credentials refused, endpoint
  // unreachable) stops the start with the reason, before anything else is opened.
  const mediaStore = opts.mediaStore ?? (await openMediaStore(config.dataDir, config.media));
  const closeMedia = () => {
    if (!opts.mediaStore) mediaStore.close();
  };
  try {
    await mediaStore.check();
  } catch (err) {
    closeMedia();
    throw err;
  }
  const mediaLibrary = new MediaLibrary(mediaStore);

  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase({
      dataDir: config.dataDir,
      url: config.databaseUrl ?? undefined,
      wal: config.sqliteWal,
    });
  } catch (err) {
    closeMedia();
    throw err;
  }
  let app: FastifyInstance | undefined;
  let cluster: Cluster | undefined;
  try {
    cluster = await openCluster(config.cluster, database.db, now);
    const clusterHandle = cluster;
    const adminBootstrap = await ensureFirstAdmin(database.db, {
      password: config.adminPassword,
      now: now(),
      announce: opts.announce ?? ((t) => process.stdout.write(`${t}\n`)),
    });

    const liveState = opts.liveState ?? new LiveStateStore(now);
    // The orchestrator hands its planned sortie to the flight log when the vehicle arms.
    let patrol: Patrol | undefined;
    const flightLog = new FlightLog({
      media: mediaLibrary,
      claimPlanned: async (_db, vehicleId) => patrol?.orchestrator.claimFor(vehicleId) ?? null,
      coverageCamera: { lens: config.detection.camera, gimbal: config.detection.gimbal },
    });
    const docks = new LiveDockStore(now);
    const bridgeChannel = new BridgeChannel({
      db: database.db,
      liveState,
      docks,
      sink: opts.ingestSink ?? flightLog,
      tlogSink: flightLog,
      now,
      stills: { camera: config.detection.camera, gimbal: config.detection.gimbal },
    });
    // Stills the cameras report: fetched into the media store, then frames for detection.
    const capturedImages = new CapturedImages({
      db: database.db,
      media: mediaLibrary,
      sortieOf: (vehicleId) => flightLog.openSortieId(vehicleId),
      stillHosts: [...config.video.stillHosts, ...hostOf(config.video.simCameraUrl)],
    });
    bridgeChannel.on('camera.image', (vehicleId, image) => {
      capturedImages
        .add(image)
        .catch((err: Error) => app?.log.error({ vehicleId, err }, 'camera still not stored'));
    });
    // Vehicle and dock commands reach the bridge through whichever node holds it (cluster), set
    // once Socket.IO is up; this node's channel until then, and always on a single node.
    let relay: BridgeRelay | null = null;
    const hub: BridgeHub = opts.bridgeHub ?? {
      request: (bridgeId, kind, payload, options) =>
        (relay ?? bridgeChannel).request(bridgeId, kind, payload, options),
      connectedBridgeIds: () => (relay ?? bridgeChannel).connectedBridgeIds(),
    };
    const limits = { maxFailures: config.login.maxFailures, windowMs: config.login.windowS * 1000, now };
    const ctx: AerieHandle = {
      config,
      database,
      liveState,
      media: mediaLibrary,
      loginLimiter: cluster.redis
        ? new RedisLoginLimiter(cluster.redis, limits)
        : new MemoryLoginLimiter(limits),
      cluster,
      ownership: cluster.ownership,
      now,
      adminBootstrap,
      flightLog,
      bridgeChannel,
      bridgeHub: hub,
      docks,
      dockCommands: createDockCommander({
        db: database.db,
        hub,
        docks,
        now,
      }),
    };

    app = Fastify({
      logger: {
        level: config.logLevel,
        redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        ...(opts.logStream ? { stream: opts.logStream } : {}),
      },
      trustProxy: config.trustProxy,
      bodyLimit: 1024 * 1024,
    });
    // Where the data lives, for the operator (never in the public health answer); no password.
    app.log.info({ dialect: database.dialect, location: database.location }, 'database open');
    app.decorate('aerie', ctx);
    const ticketDesk = await createTicketDesk(ctx);
    app.decorate('tickets', ticketDesk);
    await installEvidenceScreening(app, ticketDesk, config.evidence);
    const webhooks = new WebhookDispatcher(database.db, now, opts.tickets?.webhooks);
    app.decorate('webhooks', webhooks);
    const io = attachSocketIo(app, cluster.ioOptions);
    bridgeChannel.attach(io, app.log.child({ module: 'bridge-channel' }));
    const bus = cluster.openBus((err) =>
      app?.log.warn({ error: err.message }, 'cluster bus: a message was lost (not sent or not decodable)'),
    );
    const replica = bus
      ? replicateLive({
          bus,
          liveState,
          docks,
          vehicleEvents: bridgeChannel,
          now,
        })
      : null;
    if (bus) relay = relayBridgeRequests({ bus, local: bridgeChannel, bridgeEvents: bridgeChannel });
    if (replica) app.log.info({ nodeId: cluster.nodeId }, 'cluster node: live state shared through Redis');
    const localBridgeIds = () => bridgeChannel.connectedBridgeIds();
    // One department cache for every console event (fleet, alerts, docks, sorties, uploads).
    const departments = new DepartmentDirectory(database.db, {
      ...(opts.consoleOptions?.directoryRefreshMs
        ? { refreshMs: opts.consoleOptions.directoryRefreshMs }
        : {}),
    });
    const consoleFanout = attachConsole(app.io, ctx, {
      vehicleEvents: replica?.vehicleEvents ?? bridgeChannel,
      departments,
      ...opts.consoleOptions,
    });
    app.decorate('consoleFanout', consoleFanout);
    app.addHook('onClose', async () => consoleFanout.close());
    /** An alert raised here (a sortie lost, a fire ticket) goes to this node's consoles and the others'. */
    const raiseAlert: ConsoleFanout['alert'] = (a) => {
      consoleFanout.alert(a);
      replica?.relayAlert(a);
    };
    const stopRelayedAlerts = replica?.onRelayedAlert((a) => consoleFanout.alert(a));
    app.addHook('onClose', async () => {
      stopRelayedAlerts?.();
      replica?.close();
      relay?.close();
    });
    const stopDockConsole = attachDockConsole(app.io, docks, departments);
    const publishProgress = sortieProgressPublisher(app.io);
    patrol = createPatrol(
      app,
      ctx,
      {
        docks: {
          getDock: (id) => docks.getDock(id),
          onDockChange: (l) => docks.onDockChange(l),
          command: async (id, command) => (await ctx.dockCommands(id, command)).reply,
        },
        publish: (p) => {
          publishProgress(p);
          // A verification flight's verdict is attached to its ticket when the sortie ends.
          if (FINAL_SORTIE_PHASES.has(p.phase))
            ticketDesk
              .finishVerificationFlight(p.sortieId)
              .catch((err: unknown) =>
                app?.log.error({ err, sortieId: p.sortieId }, 'verification evidence not attached'),
              );
        },
        onLost: (l) =>
          raiseAlert({
            vehicleId: l.vehicleId,
            atMs: l.atMs,
            kind: 'sortie_lost',
            level: 'critical',
            text: l.message,
            sortieId: l.sortieId,
          }),
        uploadProgress: uploadProgressPublisher(app.io, departments),
        localBridgeIds,
      },
      {
        ...opts.patrol,
        orchestrator: { lostAfterMs: config.sortieLostAfterS * 1000, ...opts.patrol?.orchestrator },
      },
    );
    const patrolHandle = patrol;
    if (bus) {
      const aborts = relaySortieAborts(bus, patrolHandle.orchestrator);
      patrolHandle.orchestrator.abortElsewhere = aborts.abortElsewhere;
      app.addHook('onClose', async () => aborts.close());
    }
    app.decorate('patrol', patrolHandle);
    app.addHook('onClose', async () => stopDockConsole());
    const maps = new MapLibrary(mapsDirOf(config));
    app.addHook('onClose', async () => maps.close());
    // The API speaks JSON only; a text body is refused (415) rather than parsed as a string.
    app.removeContentTypeParser('text/plain');
    app.addHook('onClose', async () => {
      // Fastify runs onClose hooks last-registered first, so the patrol's own hook would come
      // after the database closed: the patrol stops here and stores its sorties' latest state
      // before the leases go (its hook then finds nothing left to do).
      await patrol?.scheduler.stop();
      await patrol?.orchestrator.shutdown();
      // Evidence screening writes to the database: let what is queued finish first.
      await ticketDesk.whenIdle();
      // The webhook post under way is answered and recorded (or cut after its grace and recorded)
      // before the webhooks lease goes, so no attempt is left unrecorded.
      await webhooks.stop();
      // A graceful stop hands every lease this node holds (scheduler, webhooks, ticket sweep,
      // sorties) to the other nodes at once instead of after AERIE_LEASE_TTL_S.
      await clusterHandle.ownership
        .releaseAll()
        .catch((err: unknown) => app?.log.error({ err }, 'leases not released on stop'));
      await database.close();
      closeMedia();
      await clusterHandle.close();
    });

    installValidation(app);
    installErrorHandlers(app);
    app.addSchema(ErrorBody);
    await app.register(cookie);
    await app.register(rateLimit, {
      global: false,
      // Shared by every node in a cluster, so the load balancer cannot multiply the limit.
      ...(cluster.redis ? { redis: cluster.redis, nameSpace: 'aerie:rate-limit:' } : {}),
      errorResponseBuilder: () => new ApiError('RateLimited', 'too many requests; try again later'),
    });
    installAuth(app, ctx);
    installAudit(app, ctx);

    await app.register(swagger, {
      // Shared schemas keep their $id as component name (ErrorBody) instead of def-0.
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Aerie command server',
          version: '0.1.0',
          description:
            'Errors answer `{ error: { code, message, path? } }`. Sign in with POST /api/auth/login; ' +
            'send the token as `Authorization: Bearer <token>` or rely on the session cookie.',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer' },
            cookie: { type: 'apiKey', in: 'cookie', name: 'aerie_session' },
          },
        },
        security: [{ bearer: [] }, { cookie: [] }],
      },
    });
    // Assets come from the package itself; the online spec validator badge is switched off.
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      uiConfig: { validatorUrl: null, deepLinking: true },
      staticCSP: true,
    });

    const nodeLoad = startNodeLoad();
    app.addHook('onClose', async () => nodeLoad.stop());
    await app.register(
      async (api) => {
        api.get('/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () =>
          api.swagger(),
        );
        registerHealthRoutes(api, ctx, {
          nodeId: clusterHandle.nodeId,
          ping: clusterHandle.ping,
          localBridgeIds,
          load: nodeLoad.report,
        });
        registerAuthRoutes(api, ctx);
        registerUserRoutes(api, ctx);
        registerDepartmentRoutes(api, ctx);
        registerSiteRoutes(api, ctx);
        registerDockRoutes(api, ctx);
        registerDockLiveRoutes(api, ctx, { docks, commands: ctx.dockCommands });
        registerVehicleRoutes(api, ctx);
        registerCommandRoutes(api, ctx);
        registerBridgeRoutes(api, ctx);
        registerSortieRoutes(api, ctx);
        registerStatsRoutes(api, ctx);
        registerAuditRoutes(api, ctx);
        registerPatrolRoutes(api, ctx, patrolHandle);
        registerConsoleSettingsRoutes(api, ctx, maps);
        registerMapRoutes(api, maps);
        await installTickets(api, ctx, ticketDesk, webhooks, opts.tickets);
        registerVideoRoutes(api, ctx, config.video, flightLog, bridgeChannel);
      },
      { prefix: '/api' },
    );
    const stopTicketConsole = ticketDesk.onTicketEvent(ticketChangePublisher(app.io));
    // Fire/smoke tickets alert the console whatever filed them (issue 15), from here only.
    const stopFireAlerts = ticketDesk.onTicketEvent(
      fireAlertPublisher((id) => ticketDesk.departmentOf(id), raiseAlert),
    );
    app.addHook('onClose', async () => {
      stopTicketConsole();
      stopFireAlerts();
    });
    await installOpen311(app, ctx, ticketDesk);
    if (config.detection.enabled)
      await installDetection(app, {
        config,
        liveState: replica ? localView(liveState, replica.isRemote) : liveState,
        desk: ticketDesk,
        flightLog,
        capturedImages,
        now,
      });
    await installConsole(app, config.consoleDir);

    await app.ready();
    return app;
  } catch (err) {
    if (app) await app.close().catch(() => {});
    await database.close();
    closeMedia();
    await cluster?.close();
    throw err;
  }
}

/** The host name of a URL template such as `http://127.0.0.1:8090/camera/{sysid}`, if it has one. */
function hostOf(template: string): string[] {
  try {
    return template ? [new URL(template).hostname] : [];
  } catch {
    return [];
  }
}
