/**
 * The ticket desk's wiring: builds the desk from the configured policy, registers its routes
 * in their own context, runs the overdue sweep on a timer, and hands out `onTicketEvent` so
 * the console fan-out can follow ticket events without this module knowing them; webhook
 * deliveries are written by an event sink inside the desk's own transactions (the outbox).
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { registerCalendarRoutes } from './calendar-routes.ts';
import { parseTicketPolicy } from './core/policy.ts';
import { TicketDesk } from './desk.ts';
import { registerOpen311Routes } from './open311/routes.ts';
import { registerTicketRoutes } from './routes.ts';
import { loadEvidenceScreener } from './screening.ts';
import type { WebhookDispatcher, WebhookOptions } from './webhooks/dispatcher.ts';
import { registerWebhookRoutes } from './webhooks/routes.ts';

export {
  TicketDesk,
  type TicketEvent,
  type TicketEventListener,
  type TicketEventSink,
  verifyEvidenceChain,
} from './desk.ts';
export { WebhookDispatcher } from './webhooks/dispatcher.ts';
export { signPayload, verifySignature } from './webhooks/signature.ts';

export interface TicketsOptions {
  /** How often the overdue sweep runs (ms); 0 turns the timer off (tests sweep by hand). */
  sweepEveryMs?: number;
  /** How often due webhook deliveries are attempted (ms); 0: only by hand (`webhooks.deliverDue()`). */
  webhookEveryMs?: number;
  webhooks?: WebhookOptions;
}

/**
 * Builds the desk on the app's database with the calendar years loaded there; throws on a bad
 * ticket policy (start-up stops).
 */
export async function createTicketDesk(ctx: AppContext): Promise<TicketDesk> {
  const policy = parseTicketPolicy(ctx.config.tickets);
  if (!policy.ok) throw new Error(policy.error.message);
  const desk = new TicketDesk(ctx.database.db, policy.value, ctx.media, ctx.now);
  await desk.loadCalendar();
  return desk;
}

/**
 * Loads the person model that blurs persons in evidence images and hands it to the desk, which
 * then screens what waits. Without a models folder, or when the model cannot load, evidence is
 * stored unscreened (a warning says why): department officers see a notice instead of those
 * images, and holders of evidence.original the originals.
 */
export async function installEvidenceScreening(
  app: FastifyInstance,
  desk: TicketDesk,
  cfg: { modelsDir: string | null; personModel: string },
): Promise<void> {
  const log = app.log.child({ module: 'evidence-screening' });
  if (!cfg.modelsDir) {
    log.warn('no models folder: evidence images are not screened for persons (officers see a notice)');
    return;
  }
  const loaded = await loadEvidenceScreener(cfg.modelsDir, cfg.personModel);
  if (!loaded.ok) {
    log.warn({ model: cfg.personModel }, `person model not loaded, evidence not screened: ${loaded.error}`);
    return;
  }
  await desk.useScreener(loaded.screener, (msg, fields) => log.warn(fields, msg));
  app.addHook('onClose', async () => {
    await desk.whenScreened();
    await desk.useScreener(null);
    await loaded.screener.close();
  });
}

/**
 * Registers the ticket and webhook routes under `api` (their own context), makes the webhook
 * dispatcher the desk's outbox and starts the sweep and delivery timers.
 */
export async function installTickets(
  api: FastifyInstance,
  ctx: AppContext,
  desk: TicketDesk,
  webhooks: WebhookDispatcher,
  opts: TicketsOptions = {},
): Promise<void> {
  await api.register(async (scope) => {
    registerTicketRoutes(scope, ctx, desk);
    registerWebhookRoutes(scope, ctx);
    registerCalendarRoutes(scope, desk);
  });
  const hookEvery = opts.webhookEveryMs ?? 2_000;
  // With several nodes, one delivers webhooks and one sweeps (leases; a single node does both).
  const deliver = async () => {
    if (await ctx.ownership.hold('webhooks')) await webhooks.deliverDue();
  };
  // The outbox: deliveries are written inside the desk's transaction (a failure there rolls the
  // change back, so no event goes unrecorded); after the commit, the worker is woken early.
  let queued = false;
  const removeSink = desk.addEventSink(async (tx, events) => {
    if ((await webhooks.enqueue(events, tx)) > 0) queued = true;
  });
  const off = desk.onTicketEvent(() => {
    if (!queued || hookEvery <= 0) return;
    queued = false;
    void deliver().catch((err) => api.log.error({ err }, 'webhook delivery failed'));
  });
  api.addHook('onClose', async () => {
    off();
    removeSink();
  });
  if (hookEvery > 0) {
    const timer = setInterval(() => {
      deliver().catch((err) => api.log.error({ err }, 'webhook delivery failed'));
    }, hookEvery);
    timer.unref();
    api.addHook('onClose', async () => clearInterval(timer));
  }
  const every = opts.sweepEveryMs ?? 60_000;
  if (every > 0) {
    const timer = setInterval(() => {
      void ctx.ownership
        .hold('ticket-sweep')
        .then(async (mine) => {
          if (mine) await desk.sweep();
        })
        .catch((err: unknown) => api.log.error({ err }, 'ticket sweep failed'));
    }, every);
    timer.unref();
    api.addHook('onClose', async () => clearInterval(timer));
  }
}

/** Registers Open311 GeoReport v2 at /open311/v2 (outside /api: it follows the Open311 spec). */
export async function installOpen311(app: FastifyInstance, ctx: AppContext, desk: TicketDesk): Promise<void> {
  await app.register(async (scope) => registerOpen311Routes(scope, ctx, desk), { prefix: '/open311/v2' });
}
