/**
 * Outbound webhooks: each ticket event becomes one delivery per matching subscription (the
 * delivery log), written in the same transaction as the change that raised it (a transactional
 * outbox: a crash after the commit loses no delivery, a rolled-back change queues none), then
 * posted by `deliverDue` as JSON with a signature; a delivery that fails (no answer, not 2xx)
 * is retried with doubling back-off until `maxAttempts`, then marked failed. Deliveries are
 * rows, so a restart resumes the pending ones.
 *
 * A graceful stop (`stop`, from the app's close) starts no new attempt and waits for the one
 * under way to be answered and recorded, at most `stopGraceMs`; then it cuts that post and
 * records it as a failed attempt (the receiver may have had it: the retry carries the same
 * delivery id). Only then does the app hand the webhooks lease to another node, so no attempt
 * goes unrecorded.
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
  /**
   * How long a graceful stop waits for the post under way (ms; default 3000): well inside the
   * 8 s `aerie up` gives a server between SIGTERM and SIGKILL, with the rest of the stop after it.
   */
  stopGraceMs?: number;
  fetch?: typeof fetch;
}

/** The `lastError` of an attempt cut short by a graceful stop. */
export const STOP_CUT_ERROR = 'cut short: the server stopped before the receiver answered';

const NOTHING = { delivered: 0, retried: 0, failed: 0 } as const;

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
  private readonly stopGraceMs: number;
  private readonly fetch: typeof fetch;
  private stopping = false;
  /** Aborted when the stop's grace runs out: cuts the post under way. */
  private readonly cut = new AbortController();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    opts: WebhookOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.baseMs = opts.backoffBaseMs ?? 10_000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.stopGraceMs = opts.stopGraceMs ?? 3_000;
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

  /** Attempts every pending delivery that is due; one run at a time; nothing once stopping. */
  deliverDue(): Promise<{ delivered: number; retried: number; failed: number }> {
    if (this.stopping) return Promise.resolve({ ...NOTHING });
    if (this.running) return this.running.then(() => this.deliverDue());
    const run = this.run().finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /**
   * Stops delivering (see the header): resolves once the attempt under way, if any, is recorded;
   * after `stopGraceMs` that attempt is cut and recorded as failed.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const run = this.running?.catch(() => undefined);
    if (!run) return;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.stopGraceMs);
    });
    await Promise.race([run, graceOver]);
    clearTimeout(timer);
    this.cut.abort();
    await run;
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
      if (this.stopping) break;
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
          signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.cut.signal]),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) error = `answered ${res.status}`;
      } catch (err) {
        if (this.cut.signal.aborted) error = STOP_CUT_ERROR;
        else error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
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
