/**
 * Outbound webhooks: each ticket event becomes one delivery per matching subscription (the
 * delivery log), written in the same transaction as the change that raised it (a transactional
 * outbox: a crash after the commit loses no delivery, a rolled-back change queues none), then
 * posted by `deliverDue` as JSON with a signature; a delivery that fails (no answer, not 2xx)
 * is retried with doubling back-off until `maxAttempts`, then marked failed. Deliveries are
 * rows, so a restart resumes the pending ones.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, lte } from 'drizzle-orm';
import { chunks } from '../../db/batch.ts';
import type { Db } from '../../db/client.ts';
import { webhookDeliveries, webhookSubscriptions } from '../../db/schema.ts';
import type { TicketEvent, Tx } from '../desk.ts';
import { evidenceView, ticketView, transitionView, triageView } from '../views.ts';
import {
  backoffMs,
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signPayload,
  TIMESTAMP_HEADER,
} from './signature.ts';

export interface WebhookOptions {
  maxAttempts?: number;
  backoffBaseMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The JSON body of an event (times ISO 8601). */
export function eventBody(e: TicketEvent, deliveryId: string): string {
  const data =
    e.type === 'triage.created'
      ? { item: triageView(e.item) }
      : {
          ticket: ticketView(e.ticket, e.at),
          ...(e.type === 'ticket.transition'
            ? { transition: transitionView({ ...e.transition, id: 0 }) }
            : {}),
          ...(e.type === 'ticket.occurrence' ? { reopened: e.reopened } : {}),
          ...(e.type === 'ticket.alert' ? { alert: e.alert } : {}),
          ...(e.type === 'ticket.evidence' ? { evidence: evidenceView(e.evidence) } : {}),
        };
  return JSON.stringify({ id: deliveryId, event: e.type, at: new Date(e.at).toISOString(), data });
}

export class WebhookDispatcher {
  private running: Promise<unknown> | null = null;
  private readonly maxAttempts: number;
  private readonly baseMs: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    opts: WebhookOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.baseMs = opts.backoffBaseMs ?? 10_000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.fetch = opts.fetch ?? fetch;
  }

  /**
   * Records one delivery per event and enabled subscription that wants it, with `db`: the
   * desk's transaction (the outbox: the deliveries commit with the change that raised the
   * events, or not at all). Answers how many were recorded.
   */
  async enqueue(events: readonly TicketEvent[], db: Db | Tx = this.db): Promise<number> {
    const subs = (
      await db
        .select({ id: webhookSubscriptions.id, eventsJson: webhookSubscriptions.eventsJson })
        .from(webhookSubscriptions)
        .where(eq(webhookSubscriptions.enabled, true))
    ).map((s) => ({ id: s.id, events: JSON.parse(s.eventsJson) as string[] }));
    if (!subs.length) return 0;
    const at = new Date(this.now());
    const rows: (typeof webhookDeliveries.$inferInsert)[] = [];
    for (const e of events)
      for (const s of subs) {
        if (s.events.length && !s.events.includes(e.type)) continue;
        const id = randomUUID();
        rows.push({
          id,
          subscriptionId: s.id,
          event: e.type,
          payloadJson: eventBody(e, id),
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at,
          createdAt: at,
        });
      }
    for (const slice of chunks(rows)) await db.insert(webhookDeliveries).values(slice);
    return rows.length;
  }

  /** Attempts every pending delivery that is due; one run at a time. */
  deliverDue(): Promise<{ delivered: number; retried: number; failed: number }> {
    if (this.running) return this.running.then(() => this.deliverDue());
    const run = this.run().finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  private async run() {
    const out = { delivered: 0, retried: 0, failed: 0 };
    const due = await this.db
      .select({ d: webhookDeliveries, s: webhookSubscriptions })
      .from(webhookDeliveries)
      .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
      .where(
        and(
          eq(webhookDeliveries.status, 'pending'),
          lte(webhookDeliveries.nextAttemptAt, new Date(this.now())),
        ),
      )
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(100);
    for (const { d, s } of due) {
      const ts = Math.floor(this.now() / 1000);
      let status: number | null = null;
      let error: string | null = null;
      try {
        const res = await this.fetch(s.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [EVENT_HEADER]: d.event,
            [DELIVERY_HEADER]: d.id,
            [TIMESTAMP_HEADER]: String(ts),
            [SIGNATURE_HEADER]: signPayload(s.secret, ts, d.payloadJson),
          },
          body: d.payloadJson,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) error = `answered ${res.status}`;
      } catch (err) {
        error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      const attempts = d.attempts + 1;
      const now = this.now();
      if (!error) {
        out.delivered++;
        await this.db
          .update(webhookDeliveries)
          .set({
            status: 'delivered',
            attempts,
            lastStatusCode: status,
            lastError: null,
            deliveredAt: new Date(now),
            nextAttemptAt: null,
          })
          .where(eq(webhookDeliveries.id, d.id));
      } else {
        const giveUp = attempts >= this.maxAttempts;
        if (giveUp) out.failed++;
        else out.retried++;
        await this.db
          .update(webhookDeliveries)
          .set({
            status: giveUp ? 'failed' : 'pending',
            attempts,
            lastStatusCode: status,
            lastError: error,
            nextAttemptAt: giveUp ? null : new Date(now + backoffMs(attempts, this.baseMs)),
          })
          .where(eq(webhookDeliveries.id, d.id));
      }
    }
    return out;
  }
}
