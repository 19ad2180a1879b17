/** Webhook subscriptions and their delivery log (administrators). */
import { randomBytes, randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { asc, count, desc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { webhookDeliveries, webhookSubscriptions } from '../../db/schema.ts';
import { errorResponses } from '../../http/errors.ts';
import { Body, IdParams, notFound, Page, PagingQuery } from '../../routes/common.ts';

export const WEBHOOK_EVENTS = [
  'ticket.created',
  'ticket.transition',
  'ticket.occurrence',
  'ticket.alert',
  'ticket.evidence',
  'triage.created',
] as const;

const SubscriptionView = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
const subView = (s: typeof webhookSubscriptions.$inferSelect) => ({
  id: s.id,
  url: s.url,
  events: JSON.parse(s.eventsJson) as string[],
  enabled: s.enabled,
  createdAt: s.createdAt.toISOString(),
});
const DeliveryView = Type.Object({
  id: Type.String(),
  event: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export function registerWebhookRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;
  const tags = ['webhooks'];

  r.get(
    '/webhooks',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        tags,
        summary: 'Webhook subscriptions (secrets are shown only at creation)',
        response: { 200: Type.Array(SubscriptionView), ...errorResponses(401, 403) },
      },
    },
    async () =>
      (await db.select().from(webhookSubscriptions).orderBy(asc(webhookSubscriptions.createdAt))).map(
        subView,
      ),
  );

  r.post(
    '/webhooks',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        tags,
        summary:
          'Subscribe a URL to ticket events; each delivery is signed: X-Aerie-Signature = sha256= and the hex ' +
          'HMAC-SHA256 with the secret over the X-Aerie-Timestamp value, a dot, and the raw body. The secret is in this answer only',
        body: Body({
          url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
          events: Type.Optional(Type.Array(Type.Enum(WEBHOOK_EVENTS), { uniqueItems: true })),
        }),
        response: {
          201: Type.Object({ secret: Type.String(), subscription: SubscriptionView }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      const id = randomUUID();
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      const [row] = await db
        .insert(webhookSubscriptions)
        .values({
          id,
          url: req.body.url,
          secret,
          eventsJson: JSON.stringify(req.body.events ?? []),
          enabled: true,
          createdAt: new Date(ctx.now()),
        })
        .returning();
      req.auditTargetId = id;
      return reply.status(201).send({ secret, subscription: subView(row!) });
    },
  );

  r.delete(
    '/webhooks/:id',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        tags,
        summary: 'Remove a subscription and its delivery log',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const [row] = await db
        .delete(webhookSubscriptions)
        .where(eq(webhookSubscriptions.id, req.params.id))
        .returning({ id: webhookSubscriptions.id });
      if (!row) throw notFound('webhook subscription', req.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/webhooks/:id/deliveries',
    {
      config: { permission: 'webhooks.manage' },
      schema: {
        tags,
        summary: 'The delivery log of a subscription, newest first',
        params: IdParams,
        querystring: Type.Object(PagingQuery),
        response: { 200: Page(DeliveryView), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const [sub] = await db
        .select({ id: webhookSubscriptions.id })
        .from(webhookSubscriptions)
        .where(eq(webhookSubscriptions.id, req.params.id));
      if (!sub) throw notFound('webhook subscription', req.params.id);
      const where = eq(webhookDeliveries.subscriptionId, req.params.id);
      const rows = await db
        .select()
        .from(webhookDeliveries)
        .where(where)
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(req.query.limit)
        .offset(req.query.offset);
      const [total] = await db.select({ n: count() }).from(webhookDeliveries).where(where);
      return {
        items: rows.map((d) => ({
          id: d.id,
          event: d.event,
          status: d.status,
          attempts: d.attempts,
          nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
          lastStatusCode: d.lastStatusCode,
          lastError: d.lastError,
          createdAt: d.createdAt.toISOString(),
          deliveredAt: d.deliveredAt?.toISOString() ?? null,
        })),
        total: total?.n ?? 0,
        limit: req.query.limit,
        offset: req.query.offset,
      };
    },
  );
}
