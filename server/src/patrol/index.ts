/**
 * Patrols on the server: routes, zones and schedules over HTTP, the scheduler loop and the
 * sortie orchestrator, wired to the bridge channel (vehicle commands, mission upload, dock
 * commands), the live vehicle state and the live dock store. `app.ts` calls
 * `installPatrol` once; it returns the pieces tests reach for.
 */
import type { MissionUploadProgress } from '@aerie/contracts';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { sendVehicleCommand } from '../channel/bridge-requests.ts';
import type { AppContext } from '../context.ts';
import { vehicles } from '../db/schema.ts';
import { createMissionUploader } from './mission-uploader.ts';
import {
  type DockPort,
  Orchestrator,
  type OrchestratorOptions,
  type SortieLost,
  type SortieProgress,
} from './orchestrator.ts';
import { registerPatrolRouteRoutes } from './routes-api.ts';
import { SchedulerLoop } from './scheduler-loop.ts';
import { registerScheduleRoutes } from './schedules-api.ts';
import { registerLaunchRoutes } from './sorties-api.ts';
import { registerZoneRoutes } from './zones-api.ts';

export { createMissionUploader, type MissionLists, type MissionUploader } from './mission-uploader.ts';
export {
  type DockPort,
  type LaunchRequest,
  type LaunchResult,
  Orchestrator,
  type OrchestratorOptions,
  type SortieLost,
  type SortieProgress,
  type VehiclePort,
} from './orchestrator.ts';
export { SchedulerLoop, type SchedulerLoopOptions } from './scheduler-loop.ts';

export interface PatrolOptions {
  /** Scheduler tick period (default 5000 ms). */
  schedulerIntervalMs?: number;
  /** Start the scheduler loop (default true). */
  scheduler?: boolean;
  /** Orchestrator settings (endurance, weather limits, separations, machine timeouts). */
  orchestrator?: Omit<OrchestratorOptions, 'db' | 'now' | 'docks' | 'vehicles' | 'publish' | 'log'>;
}

export interface Patrol {
  orchestrator: Orchestrator;
  scheduler: SchedulerLoop;
}

/**
 * Builds the orchestrator and scheduler on `app` and registers the routes on `api` (the
 * `/api` scope). `docks` is the live dock store with its command function; `publish` sends
 * `sortie.progress` to consoles.
 */
export function createPatrol(
  app: FastifyInstance,
  ctx: AppContext,
  deps: {
    docks: DockPort;
    publish?: (p: SortieProgress) => void;
    /** Progress of the mission uploads the orchestrator runs (to consoles). */
    uploadProgress?: (vehicleId: string, p: MissionUploadProgress) => void;
    /** A sortie closed because its aircraft stayed silent in the air (console alert). */
    onLost?: (l: SortieLost) => void;
    /** Bridges connected to this node (cluster: only their sorties are driven here); the hub's when omitted. */
    localBridgeIds?: () => string[];
  },
  options: PatrolOptions = {},
): Patrol {
  const db = ctx.database.db;
  const upload = createMissionUploader(ctx.bridgeHub, db, deps.uploadProgress);
  const log = app.log.child({ module: 'patrol' });
  const orchestrator = new Orchestrator({
    db,
    now: ctx.now,
    docks: deps.docks,
    vehicles: {
      get: (id) => ctx.liveState.get(id),
      subscribe: (l) => ctx.liveState.subscribe(l),
      command: (id, command) =>
        sendVehicleCommand(ctx.bridgeHub, db, id, command, { requestId: crypto.randomUUID() }),
      upload: (id, lists) => upload(id, lists, { requestId: crypto.randomUUID() }),
    },
    log,
    ownership: ctx.ownership,
    isLocal: async (vehicleId) => {
      const [v] = await db
        .select({ bridgeId: vehicles.bridgeId })
        .from(vehicles)
        .where(eq(vehicles.id, vehicleId));
      const here = deps.localBridgeIds?.() ?? ctx.bridgeHub.connectedBridgeIds();
      return !!v?.bridgeId && here.includes(v.bridgeId);
    },
    ...(deps.publish ? { publish: deps.publish } : {}),
    ...(deps.onLost ? { onLost: deps.onLost } : {}),
    ...options.orchestrator,
  });
  const scheduler = new SchedulerLoop({
    db,
    now: ctx.now,
    orchestrator,
    log,
    lease: () => ctx.ownership.hold('scheduler'),
    ...(options.schedulerIntervalMs ? { intervalMs: options.schedulerIntervalMs } : {}),
  });
  app.addHook('onReady', async () => {
    await orchestrator.start();
    if (options.scheduler !== false) scheduler.start();
  });
  app.addHook('onClose', async () => {
    await scheduler.stop();
    // The sorties' latest state is stored before the app gives their leases up (app.ts).
    await orchestrator.shutdown();
  });
  return { orchestrator, scheduler };
}

/** Registers the patrol routes in the `/api` scope. */
export function registerPatrolRoutes(api: FastifyInstance, ctx: AppContext, patrol: Patrol): void {
  registerPatrolRouteRoutes(api, ctx);
  registerZoneRoutes(api, ctx);
  registerScheduleRoutes(api, ctx);
  registerLaunchRoutes(api, ctx, patrol);
}
