/**
 * The ticket desk's wiring: builds the desk from the configured policy, registers its routes
 * in their own context, runs the overdue sweep on a timer, and hands out `onTicketEvent` so
 * the console fan-out and webhooks can follow ticket events without this module knowing them.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { parseTicketPolicy } from './core/policy.ts';
import { TicketDesk } from './desk.ts';
import { registerOpen311Routes } from './open311/routes.ts';
import { registerTicketRoutes } from './routes.ts';

export { TicketDesk, type TicketEvent, type TicketEventListener, verifyEvidenceChain } from './desk.ts';

export interface TicketsOptions {
  /** How often the overdue sweep runs (ms); 0 turns the timer off (tests sweep by hand). */
  sweepEveryMs?: number;
}

/** Builds the desk on the app's database; throws on a bad ticket policy (start-up stops). */
export function createTicketDesk(ctx: AppContext): TicketDesk {
  const policy = parseTicketPolicy(ctx.config.tickets);
  if (!policy.ok) throw new Error(policy.error.message);
  return new TicketDesk(ctx.database.db, policy.value, ctx.config.dataDir, ctx.now);
}

/** Registers the ticket routes under `api` (its own context) and starts the sweep timer. */
export async function installTickets(
  api: FastifyInstance,
  ctx: AppContext,
  desk: TicketDesk,
  opts: TicketsOptions = {},
): Promise<void> {
  await api.register(async (scope) => registerTicketRoutes(scope, ctx, desk));
  const every = opts.sweepEveryMs ?? 60_000;
  if (every > 0) {
    const timer = setInterval(() => {
      try {
        desk.sweep();
      } catch (err) {
        api.log.error({ err }, 'ticket sweep failed');
      }
    }, every);
    timer.unref();
    api.addHook('onClose', async () => clearInterval(timer));
  }
}

/** Registers Open311 GeoReport v2 at /open311/v2 (outside /api: it follows the Open311 spec). */
export async function installOpen311(app: FastifyInstance, ctx: AppContext, desk: TicketDesk): Promise<void> {
  await app.register(async (scope) => registerOpen311Routes(scope, ctx, desk), { prefix: '/open311/v2' });
}
