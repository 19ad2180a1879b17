/**
 * The ticket desk: the adapter between the pure core (tickets/core) and the database. It takes
 * findings in (filing, triage, de-duplication, routing, numbering), applies transitions with
 * the optimistic version, keeps the deadlines and the sweep's bookkeeping on each ticket,
 * appends evidence to the hash chain, and tells what happened: to event sinks inside the same
 * transaction (`addEventSink`: the webhook outbox) and to listeners after it commits
 * (`onTicketEvent`: the console).
 *
 * Every write runs in one transaction (`transaction()` of db/client.ts, on SQLite or
 * PostgreSQL), so a refused step stores nothing; desk writes take the 'ticket-desk' lock so they
 * never interleave on PostgreSQL either. The SQL is portable (ON CONFLICT ... RETURNING, CASE,
 * no SQLite functions).
 */
import { randomUUID } from 'node:crypto';
import type { GeoFinding } from '@aerie/contracts';
import { fail, ok, type Result } from '@aerie/contracts';
import { and, asc, count, desc, eq, gte, inArray, isNotNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { chunks } from '../db/batch.ts';
import { type Db, dialectOf, serialize, transaction } from '../db/client.ts';
import {
  calendarYears,
  departments,
  evidence,
  grids,
  media,
  ticketAlerts,
  ticketCounters,
  ticketOccurrences,
  ticketRoutes,
  tickets,
  ticketTransitions,
  triageItems,
  users,
  verificationFlights,
} from '../db/schema.ts';
import type { MediaLibrary } from '../media/library.ts';
import {
  allowedActions,
  applyTransition,
  boundingBox,
  type ChainRecord,
  type ChainVerdict,
  CN_CALENDAR_SOURCE,
  CN_CALENDAR_YEARS,
  CN_HOLIDAYS,
  CN_MAKE_UP_WORKDAYS,
  deadlines,
  dedupDecision,
  type EvidenceAccess,
  evidenceAccess,
  filingDecision,
  isScreenable,
  isTicketCategory,
  missingCalendarYears,
  newLifecycle,
  nextRecord,
  OPEN_STATUSES,
  parseYearCalendar,
  REDACTED_KIND,
  type RoutingGrid,
  type RoutingRule,
  relocationDecision,
  relocationText,
  route,
  type Screening,
  type SeenFinding,
  type SlaState,
  SYSTEM_ACTOR,
  shanghaiDay,
  slaState,
  sweepDecision,
  type TicketActor,
  type TicketCategory,
  type TicketLifecycle,
  type TicketPolicy,
  type TicketStatus,
  TRANSITIONS,
  type TransitionError,
  type TransitionRecord,
  type TransitionRequest,
  tallyFrame,
  ticketNumber,
  type VerificationTarget,
  type VerificationVerdict,
  verificationText,
  verificationVerdict,
  verifyChain,
  WorkingCalendar,
  type YearCalendar,
  yearsOf,
} from './core/index.ts';
import type { EvidenceScreener } from './screening.ts';

type Row = typeof tickets.$inferSelect;
/** A drizzle handle inside a transaction (same query API). */
export type Tx = Db;

/** What the console and the API show of a ticket. */
export interface TicketSummary {
  id: string;
  number: string;
  category: string;
  status: TicketStatus;
  version: number;
  source: string;
  description: string;
  lat: number;
  lon: number;
  errorM: number;
  gridId: string | null;
  departmentId: string | null;
  score: number | null;
  urgent: boolean;
  occurrenceCount: number;
  reopenCount: number;
  extension: string;
  extensionMinutes: number;
  createdAt: number;
  updatedAt: number;
  lastOccurrenceAt: number;
  dispatchedAt: number | null;
  signedAt: number | null;
  handledAt: number | null;
  closedAt: number | null;
  signDeadlineAt: number | null;
  handleDeadlineAt: number | null;
  dueAt: number | null;
  escalationLevel: number;
  closedOnTime: boolean | null;
  /**
   * The running clock when this was read: working time left to the deadline (the countdown),
   * share used, level. Null when no clock runs.
   */
  sla: SlaState | null;
}

export interface TransitionView extends TransitionRecord {
  id: number;
}

export interface EvidenceView {
  seq: number;
  ticketId: string;
  kind: string;
  fileSha256: string;
  mime: string;
  bytes: number;
  at: number;
  uploadedBy: string | null;
  meta: Record<string, unknown> | null;
  chainHash: string;
  /** Whether persons were looked for and blurred (core/redaction.ts). */
  screening: Screening;
  /** The blurred derivative's record when screening is 'blurred'. */
  redactedSeq: number | null;
  /** What the caller gets from the download route: the original, the derivative, or a notice. */
  access: EvidenceAccess;
}

export interface TriageView {
  id: string;
  status: 'pending' | 'confirmed' | 'rejected';
  source: string;
  category: string;
  score: number | null;
  lat: number;
  lon: number;
  errorM: number;
  description: string;
  finding: unknown;
  frameSha256: string | null;
  createdAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  reason: string | null;
  ticketId: string | null;
}

/** What the desk tells listeners (console fan-out, webhooks). */
export type TicketEvent =
  /** `vehicleId`: the vehicle whose finding filed it (null: a citizen, the API without one). */
  | { type: 'ticket.created'; at: number; ticket: TicketSummary; vehicleId: string | null }
  | { type: 'ticket.transition'; at: number; ticket: TicketSummary; transition: TransitionRecord }
  | {
      type: 'ticket.occurrence';
      at: number;
      ticket: TicketSummary;
      reopened: boolean;
      /** The vehicle whose finding recurred (null: none). */
      vehicleId: string | null;
    }
  | {
      type: 'ticket.alert';
      at: number;
      ticket: TicketSummary;
      alert: { kind: 'warning' | 'escalation'; phase: string; level: number };
    }
  | { type: 'ticket.evidence'; at: number; ticket: TicketSummary; evidence: EvidenceView }
  | { type: 'triage.created'; at: number; item: TriageView };

export type TicketEventListener = (event: TicketEvent) => void;

/**
 * A writer that must commit with the change that raised the events (the webhook outbox): it
 * runs inside the desk's transaction, so the events and the change are stored together or not
 * at all; a sink that throws rolls the change back.
 */
export type TicketEventSink = (tx: Tx, events: readonly TicketEvent[]) => Promise<void>;

/** The finding as the desk takes it: a detector's GeoFinding, or a citizen report. */
export interface IntakeInput {
  category: string;
  /** Detector score; citizen reports have none and always wait in triage. */
  score: number | null;
  lat: number;
  lon: number;
  errorM: number;
  capturedAt: number;
  vehicleId?: string | null;
  sortieId?: string | null;
  description?: string;
  source: 'detector' | 'citizen';
  /** The whole finding as received, kept with the occurrence. */
  raw: unknown;
}

export type IntakeOutcome =
  | { kind: 'ticket'; ticket: TicketSummary }
  | { kind: 'occurrence'; ticket: TicketSummary; reopened: boolean; distanceM: number }
  | { kind: 'triage'; item: TriageView }
  | { kind: 'ignored'; reason: 'NotTicketable' | 'BelowTriage' };

export interface ListFilters {
  status?: TicketStatus[];
  category?: string;
  departmentId?: string;
  overdue?: boolean;
  /** Department scope of the caller (a department officer sees only theirs; null: nothing). */
  scopeDepartmentId?: string | null;
  limit: number;
  offset: number;
}

export type DeskError = TransitionError | 'NotFound' | 'ValidationFailed';

const MIME_EXT = /^[a-z]+\/[a-z0-9.+-]+$/;

export class TicketDesk {
  /** Rebuilt when an administrator loads a year's official calendar (`loadCalendarYear`). */
  calendar: WorkingCalendar;
  private readonly listeners = new Set<TicketEventListener>();
  private readonly sinks = new Set<TicketEventSink>();
  private screener: EvidenceScreener | null = null;
  /** Evidence records appended since the last kick, waiting for the screener. */
  private toScreen: number[] = [];
  /**
   * Records appended by each open write, queued for the screener only once that write commits
   * (on PostgreSQL another write may commit first, and must not hand the screener a record it
   * cannot see yet).
   */
  private readonly screenAfterCommit = new Map<Tx, number[]>();
  private screening: Promise<void> = Promise.resolve();
  private readonly background = new Set<Promise<unknown>>();
  /**
   * Per verification flight in the air, its "not seen" evidence: the frame of its best
   * unconfirmed sighting if it had one (for the reviewer to look at), else the newest frame.
   */
  private readonly lastVerificationFrame = new Map<string, { bytes: Uint8Array; mime: string }>();
  private readonly sightingVerificationFrame = new Map<string, { bytes: Uint8Array; mime: string }>();
  private screenLog: (msg: string, fields: Record<string, unknown>) => void = () => {};

  constructor(
    private readonly db: Db,
    readonly policy: TicketPolicy,
    /** Where evidence files and detection frames are stored (local folder or S3). */
    readonly media: MediaLibrary,
    private readonly now: () => number,
  ) {
    this.calendar = this.buildCalendar([]);
  }

  // ---- the working calendar (core/calendar.ts, core/calendar-years.ts) -----------------------

  /**
   * Reads the years loaded by an administrator and rebuilds the working calendar with them. The
   * constructor builds it from the shipped and configured dates only (a query is async on
   * PostgreSQL): whoever creates a desk awaits this before it computes deadlines.
   */
  async loadCalendar(): Promise<void> {
    this.calendar = this.buildCalendar(await this.loadedCalendarYears());
  }

  /** The years loaded by an administrator, oldest first. */
  private async loadedCalendarYears(): Promise<YearCalendar[]> {
    return (await this.db.select().from(calendarYears).orderBy(asc(calendarYears.year))).map((r) => ({
      year: r.year,
      holidays: JSON.parse(r.holidaysJson) as string[],
      makeUpWorkdays: JSON.parse(r.makeUpWorkdaysJson) as string[],
      ...(r.source !== null ? { source: r.source } : {}),
    }));
  }

  /**
   * The shipped official calendar (holidays-cn.ts), then each loaded year in place of the
   * shipped one of the same year, plus the configuration's extra dates.
   */
  private buildCalendar(loaded: readonly YearCalendar[]): WorkingCalendar {
    const replaced = new Set(loaded.map((y) => y.year));
    const shipped = (table: Record<number, readonly string[]>) =>
      Object.entries(table)
        .filter(([year]) => !replaced.has(Number(year)))
        .flatMap(([, dates]) => dates);
    const c = this.policy.calendar;
    return new WorkingCalendar({
      utcOffsetMinutes: c.utcOffsetMinutes,
      hours: c.hours,
      holidays: [...shipped(CN_HOLIDAYS), ...loaded.flatMap((y) => y.holidays), ...c.holidays],
      makeUpWorkdays: [
        ...shipped(CN_MAKE_UP_WORKDAYS),
        ...loaded.flatMap((y) => y.makeUpWorkdays),
        ...c.makeUpWorkdays,
      ],
    });
  }

  /**
   * Which years the working calendar knows, where from, and which years in use it lacks (the
   * current local year, and the next within a month of it): a year it lacks counts every
   * Monday-Friday as a working day, holidays included.
   */
  async calendarStatus(): Promise<{
    years: { year: number; origin: 'shipped' | 'loaded' | 'configured'; source: string | null }[];
    missingYears: number[];
  }> {
    const loaded = await this.loadedCalendarYears();
    const byYear = new Map<
      number,
      { year: number; origin: 'shipped' | 'loaded' | 'configured'; source: string | null }
    >();
    for (const y of yearsOf(this.policy.calendar.holidays))
      byYear.set(y, { year: y, origin: 'configured', source: 'tickets.calendar.holidays' });
    for (const y of CN_CALENDAR_YEARS)
      byYear.set(y, { year: y, origin: 'shipped', source: CN_CALENDAR_SOURCE });
    for (const y of loaded) byYear.set(y.year, { year: y.year, origin: 'loaded', source: y.source ?? null });
    const years = [...byYear.values()].sort((a, b) => a.year - b.year);
    return {
      years,
      missingYears: missingCalendarYears(
        years.map((y) => y.year),
        this.now(),
        this.policy.calendar.utcOffsetMinutes,
      ),
    };
  }

  /**
   * Loads (or replaces) a year's official calendar after checking it (`parseYearCalendar`);
   * deadlines computed from now on use it, and the deadlines already set for open tickets whose
   * running clock lies in that year (started before its end, due after its start) are computed
   * again with it (`recomputed`: how many changed).
   */
  async loadCalendarYear(
    input: unknown,
    loadedBy: string | null,
  ): Promise<Result<{ calendar: YearCalendar; recomputed: number }, 'ValidationFailed'>> {
    const parsed = parseYearCalendar(input);
    if (!parsed.ok) return parsed;
    const y = parsed.value;
    const row = {
      holidaysJson: JSON.stringify(y.holidays),
      makeUpWorkdaysJson: JSON.stringify(y.makeUpWorkdays),
      source: y.source ?? null,
      loadedBy,
      loadedAt: new Date(this.now()),
    };
    await this.db
      .insert(calendarYears)
      .values({ year: y.year, ...row })
      .onConflictDoUpdate({ target: calendarYears.year, set: row });
    await this.loadCalendar();
    return ok({ calendar: y, recomputed: await this.recomputeDeadlines(y.year) });
  }

  /** Computes again the deadlines of open tickets whose running clock lies in local `year`. */
  private async recomputeDeadlines(year: number): Promise<number> {
    const offsetMs = this.policy.calendar.utcOffsetMinutes * 60_000;
    const from = Date.UTC(year, 0, 1) - offsetMs;
    const to = Date.UTC(year + 1, 0, 1) - offsetMs;
    const now = this.now();
    return this.write(async (tx) => {
      const rows = await tx
        .select()
        .from(tickets)
        .where(
          and(
            inArray(tickets.status, [...OPEN_STATUSES]),
            or(isNotNull(tickets.signDeadlineAt), isNotNull(tickets.handleDeadlineAt)),
          ),
        );
      let changed = 0;
      for (const row of rows) {
        const life = lifecycleOf(row);
        const start = phaseOf(life.status) === 'sign' ? life.dispatchedAt : life.signedAt;
        const due = row.dueAt?.getTime() ?? row.handleDeadlineAt?.getTime() ?? row.signDeadlineAt?.getTime();
        if (start === null || due === undefined || !(start < to && due >= from)) continue;
        const cat = this.categoryPolicy(row);
        const dl = deadlines(life, cat, this.calendar);
        const phase = phaseOf(life.status);
        const dueAt = phase === 'sign' ? dl.signDeadlineAt : phase === 'handle' ? dl.handleDeadlineAt : null;
        if (
          dl.signDeadlineAt === (row.signDeadlineAt?.getTime() ?? null) &&
          dl.handleDeadlineAt === (row.handleDeadlineAt?.getTime() ?? null)
        )
          continue;
        const nextAlertAt = this.nextAlertAt(
          { ...life, handleDeadlineAt: dl.handleDeadlineAt },
          cat,
          row.warned,
          row.escalationLevel,
        );
        await tx
          .update(tickets)
          .set({
            signDeadlineAt: date(dl.signDeadlineAt),
            handleDeadlineAt: date(dl.handleDeadlineAt),
            dueAt: date(dueAt),
            nextAlertAt: date(nextAlertAt),
            updatedAt: new Date(now),
          })
          .where(eq(tickets.id, row.id));
        changed++;
      }
      return changed;
    });
  }

  /** Subscribes to ticket events; answers the unsubscribe function. */
  onTicketEvent(listener: TicketEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Adds a writer that runs inside every transaction that raises events, with those events
   * (the transactional outbox); answers the removal function.
   */
  addEventSink(sink: TicketEventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /**
   * Runs `fn` in one transaction; the events it collects go to the sinks inside that
   * transaction and to the listeners after it commits (never after a rollback).
   */
  private async write<T>(fn: (tx: Tx, events: TicketEvent[]) => Promise<T>): Promise<T> {
    const events: TicketEvent[] = [];
    const screen: number[] = [];
    const out = await transaction(this.db, async (tx) => {
      // One desk write at a time on every engine (SQLite serialises them anyway): the
      // de-duplication read, the evidence chain's next link and the ticket counter stay exact
      // with several writers on PostgreSQL too.
      await serialize(tx, 'ticket-desk');
      this.screenAfterCommit.set(tx, screen);
      try {
        const value = await fn(tx, events);
        if (events.length) for (const sink of this.sinks) await sink(tx, events);
        return value;
      } finally {
        this.screenAfterCommit.delete(tx);
      }
    });
    this.toScreen.push(...screen);
    this.emit(events);
    return out;
  }

  /** Tells listeners what happened; called after a write commits, so it also starts screening. */
  private emit(events: TicketEvent[]): void {
    this.kickScreening();
    for (const e of events)
      for (const l of this.listeners) {
        try {
          l(e);
        } catch {
          // A listener's failure must not undo or block a stored ticket.
        }
      }
  }

  // ---- intake ------------------------------------------------------------------------------

  /** Takes a detector's finding in (`frame`: the full frame, kept as evidence). */
  intakeFinding(f: GeoFinding, frame?: { bytes: Uint8Array; mime: string }): Promise<IntakeOutcome> {
    return this.intake(
      {
        category: f.category,
        score: f.score,
        lat: f.location.lat,
        lon: f.location.lon,
        errorM: f.location.errorM,
        capturedAt: f.capturedAtMs,
        vehicleId: f.vehicleId,
        sortieId: f.sortieId ?? null,
        source: 'detector',
        raw: f,
      },
      frame,
    );
  }

  async intake(input: IntakeInput, frame?: { bytes: Uint8Array; mime: string }): Promise<IntakeOutcome> {
    const decision =
      input.source === 'citizen'
        ? isTicketCategory(input.category)
          ? ({ kind: 'triage', category: input.category } as const)
          : ({ kind: 'ignore', reason: 'NotTicketable' } as const)
        : filingDecision({ category: input.category, score: input.score ?? 0 }, this.policy.categories);
    if (decision.kind === 'ignore') return { kind: 'ignored', reason: decision.reason };
    const frameSha = frame ? await this.media.storeBytes(frame.bytes, frame.mime) : null;
    const now = this.now();
    return this.write(async (tx, events) => {
      if (frameSha && frame) await this.insertMedia(tx, frameSha, frame, 'frame');
      if (decision.kind === 'triage') {
        const id = randomUUID();
        await tx.insert(triageItems).values({
          id,
          status: 'pending',
          source: input.source,
          category: decision.category,
          score: input.score,
          latDeg: input.lat,
          lonDeg: input.lon,
          errorM: input.errorM,
          description: input.description ?? '',
          findingJson: JSON.stringify(input.raw),
          frameSha256: frameSha,
          createdAt: new Date(now),
        });
        const item = this.triageView((await tx.select().from(triageItems).where(eq(triageItems.id, id)))[0]!);
        events.push({ type: 'triage.created', at: now, item });
        return { kind: 'triage', item } as IntakeOutcome;
      }
      return await this.fileInTx(
        tx,
        decision.category,
        input,
        frameSha ? { sha: frameSha, mime: frame!.mime } : null,
        now,
        events,
      );
    });
  }

  /** De-duplicates and files (or attaches) inside a transaction. */
  private async fileInTx(
    tx: Tx,
    category: TicketCategory,
    input: IntakeInput,
    frame: { sha: string; mime: string } | null,
    now: number,
    events: TicketEvent[],
  ): Promise<IntakeOutcome> {
    const p = this.policy.categories[category];
    const box = boundingBox(input, p.dedupRadiusM);
    const windowStart = new Date(input.capturedAt - this.policy.dedupWindowDays * 86_400_000);
    const candidates = await tx
      .select({
        id: tickets.id,
        category: tickets.category,
        lat: tickets.latDeg,
        lon: tickets.lonDeg,
        status: tickets.status,
        closedAt: tickets.closedAt,
      })
      .from(tickets)
      .where(
        and(
          eq(tickets.category, category),
          gte(tickets.latDeg, box.minLat),
          lte(tickets.latDeg, box.maxLat),
          gte(tickets.lonDeg, box.minLon),
          lte(tickets.lonDeg, box.maxLon),
          or(
            inArray(tickets.status, [...OPEN_STATUSES]),
            and(eq(tickets.status, 'closed'), gte(tickets.closedAt, windowStart)),
          ),
        ),
      );
    const d = dedupDecision(
      { category, lat: input.lat, lon: input.lon, at: input.capturedAt },
      candidates.map((c) => ({
        ...c,
        status: c.status as TicketStatus,
        closedAt: c.closedAt?.getTime() ?? null,
      })),
      { radiusM: p.dedupRadiusM, windowDays: this.policy.dedupWindowDays },
    );
    if (d.kind === 'occurrence') {
      await this.insertOccurrence(tx, d.ticketId, input, d.distanceM, now);
      const row = (await this.row(tx, d.ticketId))!;
      await tx
        .update(tickets)
        .set({
          occurrenceCount: row.occurrenceCount + 1,
          lastOccurrenceAt: new Date(input.capturedAt),
          score: input.score === null ? row.score : Math.max(row.score ?? 0, input.score),
          updatedAt: new Date(now),
        })
        .where(eq(tickets.id, d.ticketId));
      if (frame)
        await this.appendEvidence(
          tx,
          d.ticketId,
          frame.sha,
          frame.mime,
          'frame',
          null,
          evidenceMeta(input),
          now,
        );
      if (d.reopen) {
        const reopened = await this.transitionInTx(
          tx,
          d.ticketId,
          { action: 'reopen', expectedVersion: row.version, reason: 'the finding recurred (复发)' },
          SYSTEM_ACTOR,
          now,
          events,
        );
        if (!reopened.ok) throw new Error(`reopen failed: ${reopened.error.message}`);
        await tx
          .update(tickets)
          .set({ reopenCount: row.reopenCount + 1 })
          .where(eq(tickets.id, d.ticketId));
        await this.autoDispatch(tx, d.ticketId, now, events);
      }
      const ticket = this.summary((await this.row(tx, d.ticketId))!, now);
      events.push({
        type: 'ticket.occurrence',
        at: now,
        ticket,
        reopened: d.reopen,
        vehicleId: input.vehicleId ?? null,
      });
      return { kind: 'occurrence', ticket, reopened: d.reopen, distanceM: d.distanceM };
    }

    const id = randomUUID();
    const [counter] = await tx
      .insert(ticketCounters)
      .values({ day: shanghaiDay(now), last: 1 })
      .onConflictDoUpdate({ target: ticketCounters.day, set: { last: sql`${ticketCounters.last} + 1` } })
      .returning({ last: ticketCounters.last });
    const life = newLifecycle();
    await tx.insert(tickets).values({
      id,
      number: ticketNumber(now, counter?.last ?? 1),
      category,
      status: life.status,
      version: life.version,
      source: input.source === 'citizen' ? 'citizen' : input.source,
      description: input.description ?? '',
      latDeg: input.lat,
      lonDeg: input.lon,
      errorM: input.errorM,
      score: input.score,
      urgent: p.urgent,
      lastOccurrenceAt: new Date(input.capturedAt),
      createdAt: new Date(now),
      updatedAt: new Date(now),
    });
    await this.insertOccurrence(tx, id, input, 0, now);
    if (frame)
      await this.appendEvidence(tx, id, frame.sha, frame.mime, 'frame', null, evidenceMeta(input), now);
    events.push({
      type: 'ticket.created',
      at: now,
      ticket: this.summary((await this.row(tx, id))!, now),
      vehicleId: input.vehicleId ?? null,
    });
    const filed = await this.transitionInTx(
      tx,
      id,
      { action: 'file', expectedVersion: 1 },
      SYSTEM_ACTOR,
      now,
      events,
    );
    if (!filed.ok) throw new Error(`file failed: ${filed.error.message}`);
    await this.autoDispatch(tx, id, now, events);
    return { kind: 'ticket', ticket: this.summary((await this.row(tx, id))!, now) };
  }

  /**
   * Moves an open ticket to a better location of the same track (later, fused frames; the
   * rule is core/relocation.ts), as a 'relocate' transition by the system with the old and new
   * location in its data. A ticket that is closed, voided, or already as well placed keeps its
   * location: `null`.
   */
  async refineLocation(
    ticketId: string,
    f: Pick<GeoFinding, 'location' | 'frames'>,
  ): Promise<{ ticket: TicketSummary; transition: TransitionView } | null> {
    const now = this.now();
    return this.write(async (tx, events) => {
      const row = await this.row(tx, ticketId);
      if (!row || !(OPEN_STATUSES as readonly string[]).includes(row.status)) return null;
      const d = relocationDecision(
        { lat: row.latDeg, lon: row.lonDeg, errorM: row.errorM },
        f.location,
        f.frames,
      );
      if (d.kind === 'keep') return null;
      const res = await this.transitionInTx(
        tx,
        ticketId,
        {
          action: 'relocate',
          expectedVersion: row.version,
          reason: relocationText(d.data),
          relocation: d.data,
        },
        SYSTEM_ACTOR,
        now,
        events,
      );
      if (!res.ok) throw new Error(`relocate failed: ${res.error.message}`);
      return { ticket: this.summary((await this.row(tx, ticketId))!, now), transition: res.value };
    });
  }

  /** Routes a filed ticket by category and grid and dispatches it when a department is found. */
  private async autoDispatch(tx: Tx, id: string, now: number, events: TicketEvent[]): Promise<void> {
    const row = (await this.row(tx, id))!;
    const r = route(
      row.category,
      row.latDeg,
      row.lonDeg,
      await this.routingGrids(tx),
      await this.routingRules(tx),
    );
    if (r.gridId !== row.gridId) await tx.update(tickets).set({ gridId: r.gridId }).where(eq(tickets.id, id));
    if (!r.departmentId) return;
    const res = await this.transitionInTx(
      tx,
      id,
      {
        action: 'dispatch',
        expectedVersion: row.version,
        departmentId: r.departmentId,
        reason: 'routed by category and grid',
      },
      SYSTEM_ACTOR,
      now,
      events,
    );
    if (!res.ok) throw new Error(`dispatch failed: ${res.error.message}`);
  }

  private async routingGrids(tx: Tx): Promise<RoutingGrid[]> {
    return (await tx.select().from(grids).orderBy(asc(grids.createdAt), asc(grids.id))).map((g) => {
      const geo = JSON.parse(g.polygonGeoJson) as { type: string; coordinates: unknown };
      const polygons = (geo.type === 'MultiPolygon' ? geo.coordinates : [geo.coordinates]) as number[][][][];
      return { id: g.id, departmentId: g.departmentId, polygons };
    });
  }

  private async routingRules(tx: Tx): Promise<RoutingRule[]> {
    return await tx
      .select({
        category: ticketRoutes.category,
        gridId: ticketRoutes.gridId,
        departmentId: ticketRoutes.departmentId,
      })
      .from(ticketRoutes);
  }

  private async insertOccurrence(
    tx: Tx,
    ticketId: string,
    input: IntakeInput,
    distanceM: number,
    now: number,
  ): Promise<void> {
    await tx.insert(ticketOccurrences).values({
      id: randomUUID(),
      ticketId,
      score: input.score,
      latDeg: input.lat,
      lonDeg: input.lon,
      errorM: input.errorM,
      capturedAt: new Date(input.capturedAt),
      vehicleId: input.vehicleId ?? null,
      sortieId: input.sortieId ?? null,
      findingJson: JSON.stringify(input.raw),
      distanceM,
      createdAt: new Date(now),
    });
  }

  // ---- transitions -------------------------------------------------------------------------

  /**
   * Applies a transition for `actor`. A ticket outside the actor's department scope answers
   * NotFound; everything refused stores nothing.
   */
  async transition(
    id: string,
    req: TransitionRequest,
    actor: TicketActor,
    scopeDepartmentId?: string | null,
  ): Promise<Result<{ ticket: TicketSummary; transition: TransitionView }, DeskError>> {
    const now = this.now();
    return this.write(async (tx, events) => {
      const row = await this.row(tx, id);
      if (!row || !inScope(row, scopeDepartmentId)) return fail('NotFound', `no ticket with id ${id}`);
      if (req.action === 'handle') req = { ...req, hasProof: await this.hasProof(tx, id) };
      const res = await this.transitionInTx(tx, id, req, actor, now, events);
      if (!res.ok) return res;
      return ok({ ticket: this.summary((await this.row(tx, id))!, now), transition: res.value });
    });
  }

  private async hasProof(tx: Tx, id: string): Promise<boolean> {
    return !!(
      await tx
        .select({ seq: evidence.seq })
        .from(evidence)
        .where(and(eq(evidence.ticketId, id), eq(evidence.kind, 'proof')))
        .limit(1)
    )[0];
  }

  private async transitionInTx(
    tx: Tx,
    id: string,
    req: TransitionRequest,
    actor: TicketActor,
    now: number,
    events: TicketEvent[],
  ): Promise<Result<TransitionView, DeskError>> {
    const row = await this.row(tx, id);
    if (!row) return fail('NotFound', `no ticket with id ${id}`);
    if (req.departmentId !== undefined && req.action === 'dispatch') {
      // Checked here so a bad department is a clear 400, not a foreign-key failure.
      const dep = (
        await tx.select({ id: departments.id }).from(departments).where(eq(departments.id, req.departmentId))
      )[0];
      if (!dep) return fail('ValidationFailed', `no department with id ${req.departmentId}`);
    }
    const before = lifecycleOf(row);
    const res = applyTransition(before, req, actor, now);
    if (!res.ok) return res;
    const { ticket: after, record } = res.value;
    const cat = this.categoryPolicy(row);
    const dl = deadlines(after, cat, this.calendar);
    const phaseBefore = phaseOf(before.status);
    const phaseAfter = phaseOf(after.status);
    const resetAlerts = phaseBefore !== phaseAfter || req.action === 'reopen';
    const warned = resetAlerts ? false : row.warned;
    const escalationLevel = resetAlerts ? 0 : row.escalationLevel;
    const dueAt =
      phaseAfter === 'sign' ? dl.signDeadlineAt : phaseAfter === 'handle' ? dl.handleDeadlineAt : null;
    const life = { ...after, handleDeadlineAt: dl.handleDeadlineAt };
    const nextAlertAt = this.nextAlertAt(life, cat, warned, escalationLevel);
    let closedOnTime: boolean | null = row.closedOnTime;
    if (req.action === 'close')
      closedOnTime =
        after.handledAt !== null && dl.handleDeadlineAt !== null && after.handledAt <= dl.handleDeadlineAt;
    if (req.action === 'reopen') closedOnTime = null;
    const changed = await tx
      .update(tickets)
      .set({
        status: after.status,
        version: after.version,
        departmentId: after.departmentId,
        extension: after.extension,
        extensionMinutes: after.extensionMinutes,
        dispatchedAt: date(after.dispatchedAt),
        signedAt: date(after.signedAt),
        handledAt: date(after.handledAt),
        closedAt: date(after.closedAt),
        signDeadlineAt: date(dl.signDeadlineAt),
        handleDeadlineAt: date(dl.handleDeadlineAt),
        dueAt: date(dueAt),
        nextAlertAt: date(nextAlertAt),
        warned,
        escalationLevel,
        closedOnTime,
        ...(record.action === 'relocate' && req.relocation
          ? { latDeg: req.relocation.to.lat, lonDeg: req.relocation.to.lon, errorM: req.relocation.to.errorM }
          : {}),
        updatedAt: new Date(now),
      })
      .where(and(eq(tickets.id, id), eq(tickets.version, before.version)))
      .returning({ id: tickets.id });
    if (changed.length !== 1) return fail('Conflict', 'the ticket changed meanwhile; reload and retry');
    const [inserted] = await tx
      .insert(ticketTransitions)
      .values({
        ticketId: id,
        action: record.action,
        fromStatus: record.fromStatus,
        toStatus: record.toStatus,
        version: record.version,
        actorId: record.actorId,
        actorRole: record.actorRole,
        at: new Date(record.at),
        reason: record.reason,
        dataJson: record.data ? JSON.stringify(record.data) : null,
      })
      .returning({ id: ticketTransitions.id });
    events.push({
      type: 'ticket.transition',
      at: now,
      ticket: this.summary((await this.row(tx, id))!, now),
      transition: record,
    });
    return ok({ ...record, id: inserted?.id ?? 0 });
  }

  /** When the sweep must next look: the warning instant, the deadline, or the next escalation. */
  private nextAlertAt(
    t: TicketLifecycle,
    p: { signMinutes: number; handleMinutes: number },
    warned: boolean,
    escalationLevel: number,
  ): number | null {
    const phase = phaseOf(t.status);
    if (!phase) return null;
    const start = phase === 'sign' ? t.dispatchedAt : t.signedAt;
    if (start === null) return null;
    const allowed =
      phase === 'sign'
        ? p.signMinutes
        : p.handleMinutes + (t.extension === 'granted' ? t.extensionMinutes : 0);
    if (!warned) return this.calendar.addWorkingMinutes(start, allowed * this.policy.warnAt);
    const deadline = this.calendar.addWorkingMinutes(start, allowed);
    if (escalationLevel === 0) return deadline;
    return this.calendar.addWorkingMinutes(
      deadline,
      escalationLevel * this.policy.reEscalateEveryWorkingDays * this.calendar.minutesPerDay,
    );
  }

  // ---- the overdue sweep -------------------------------------------------------------------

  /**
   * Raises the warnings and escalations (督办) that are due at `now` (default: the clock).
   * Only tickets whose `nextAlertAt` has passed are read, so a sweep over 100,000 open
   * tickets costs an index range scan. Everything is written in one transaction: the per-ticket
   * update is a prepared statement (once per desk on SQLite, once per sweep on PostgreSQL,
   * where it must run on the transaction's connection), the alerts (who: the system, when, which
   * phase and level) one multi-row insert, and the events go to the outbox with them.
   * Answers how many alerts were raised.
   */
  async sweep(at?: number): Promise<{ examined: number; warnings: number; escalations: number }> {
    const now = at ?? this.now();
    return this.write(async (tx, events) => {
      const st = dialectOf(this.db) === 'sqlite' ? this.sweepStatements() : this.prepareSweep(tx);
      const due = await st.due.execute({ now });
      const raised: (typeof ticketAlerts.$inferInsert)[] = [];
      let warnings = 0;
      for (const row of due) {
        const cat = this.categoryPolicy(row);
        const life = lifecycleOf(row);
        const state = slaState(life, cat, this.calendar, now, this.policy);
        const decision = sweepDecision(state, { warned: row.warned, escalationLevel: row.escalationLevel });
        const warned = row.warned || decision.warn;
        const level = decision.escalateTo ?? row.escalationLevel;
        const alerts: { kind: 'warning' | 'escalation'; level: number }[] = [];
        if (decision.warn) alerts.push({ kind: 'warning', level: 0 });
        if (decision.escalateTo !== null) alerts.push({ kind: 'escalation', level });
        const next = this.nextAlertAt(life, cat, warned, level);
        // Placeholders inside sql`` are bound as given: the columns' own encoders make them driver values.
        await st.markSwept.execute({
          id: row.id,
          warned: tickets.warned.mapToDriverValue(warned),
          escalationLevel: level,
          nextAlertAt: next === null ? null : tickets.nextAlertAt.mapToDriverValue(new Date(next)),
        });
        if (!alerts.length) continue;
        const phase = state?.phase ?? '';
        const ticket = ticketSummary({ ...row, warned, escalationLevel: level }, state);
        for (const a of alerts) {
          raised.push({ ticketId: row.id, kind: a.kind, phase, level: a.level, at: new Date(now) });
          events.push({ type: 'ticket.alert', at: now, ticket, alert: { ...a, phase } });
          if (a.kind === 'warning') warnings++;
        }
      }
      for (const slice of chunks(raised)) await tx.insert(ticketAlerts).values(slice);
      return { examined: due.length, warnings, escalations: raised.length - warnings };
    });
  }

  private prepared?: ReturnType<TicketDesk['prepareSweep']>;

  private sweepStatements() {
    this.prepared ??= this.prepareSweep(this.db);
    return this.prepared;
  }

  /** The sweep's statements, built once (building drizzle SQL per ticket cost more than running it). */
  private prepareSweep(db: Db) {
    return {
      due: db
        .select()
        .from(tickets)
        .where(and(isNotNull(tickets.nextAlertAt), lte(tickets.nextAlertAt, sql.placeholder('now'))))
        .prepare(),
      markSwept: db
        .update(tickets)
        .set({
          warned: sql`${sql.placeholder('warned')}`,
          escalationLevel: sql`${sql.placeholder('escalationLevel')}`,
          nextAlertAt: sql`${sql.placeholder('nextAlertAt')}`,
        })
        .where(eq(tickets.id, sql.placeholder('id')))
        .prepare(),
    };
  }

  // ---- reading -----------------------------------------------------------------------------

  /**
   * The ticket's department now (null: none, or no such ticket). Listeners read it after the
   * commit: `ticket.created` carries the ticket as filed, before routing dispatched it.
   */
  async departmentOf(id: string): Promise<string | null> {
    return (await this.row(this.db, id))?.departmentId ?? null;
  }

  private async row(tx: Tx | Db, id: string): Promise<Row | undefined> {
    return (await tx.select().from(tickets).where(eq(tickets.id, id)))[0];
  }

  private categoryPolicy(row: Row) {
    return this.policy.categories[row.category as TicketCategory] ?? this.policy.categories.other;
  }

  /** The ticket with its running clock at `now` (working time, from the calendar). */
  private summary(row: Row, now: number): TicketSummary {
    return ticketSummary(
      row,
      slaState(lifecycleOf(row), this.categoryPolicy(row), this.calendar, now, this.policy),
    );
  }

  /**
   * One ticket with its timeline, occurrences, evidence, running clock and the caller's actions.
   * `mayOriginal`: the caller holds `evidence.original` (each evidence record says what the
   * caller will get; blurred derivatives are reached through their original).
   */
  async get(id: string, actor: TicketActor, scopeDepartmentId?: string | null, mayOriginal = false) {
    const row = await this.row(this.db, id);
    if (!row || !inScope(row, scopeDepartmentId)) return null;
    const ticket = this.summary(row, this.now());
    return {
      ticket,
      sla: ticket.sla,
      allowedActions: allowedActions(actor, row.status, row.departmentId, TRANSITIONS),
      // Who took each step, by name: the timeline says who and when.
      transitions: (
        await this.db
          .select({ t: ticketTransitions, actorName: users.displayName })
          .from(ticketTransitions)
          .leftJoin(users, eq(users.id, ticketTransitions.actorId))
          .where(eq(ticketTransitions.ticketId, id))
          .orderBy(asc(ticketTransitions.version))
      ).map((x) => ({ ...transitionView(x.t), actorName: x.actorName ?? null })),
      occurrences: (
        await this.db
          .select()
          .from(ticketOccurrences)
          .where(eq(ticketOccurrences.ticketId, id))
          .orderBy(asc(ticketOccurrences.capturedAt))
      ).map((o) => ({
        id: o.id,
        score: o.score,
        lat: o.latDeg,
        lon: o.lonDeg,
        errorM: o.errorM,
        capturedAt: o.capturedAt.getTime(),
        vehicleId: o.vehicleId,
        sortieId: o.sortieId,
        distanceM: o.distanceM,
        finding: JSON.parse(o.findingJson) as unknown,
      })),
      evidence: (
        await this.db
          .select()
          .from(evidence)
          .where(and(eq(evidence.ticketId, id), sql`${evidence.kind} <> ${REDACTED_KIND}`))
          .orderBy(asc(evidence.seq))
      ).map((e) => evidenceView(e, mayOriginal)),
      verificationFlights: await this.verificationFlightsOf(id),
      alerts: (
        await this.db
          .select()
          .from(ticketAlerts)
          .where(eq(ticketAlerts.ticketId, id))
          .orderBy(asc(ticketAlerts.at), asc(ticketAlerts.id))
      ).map((a) => ({ kind: a.kind, phase: a.phase, level: a.level, at: a.at.getTime() })),
    };
  }

  /** A filtered page, newest first. */
  async list(f: ListFilters): Promise<{ items: TicketSummary[]; total: number }> {
    const now = new Date(this.now());
    const conds: (SQL | undefined)[] = [
      f.status?.length ? inArray(tickets.status, f.status) : undefined,
      f.category ? eq(tickets.category, f.category) : undefined,
      f.departmentId ? eq(tickets.departmentId, f.departmentId) : undefined,
      f.overdue === true ? and(isNotNull(tickets.dueAt), lte(tickets.dueAt, now)) : undefined,
      f.overdue === false ? or(sql`${tickets.dueAt} is null`, gte(tickets.dueAt, now)) : undefined,
      f.scopeDepartmentId === undefined
        ? undefined
        : f.scopeDepartmentId === null
          ? sql`1 = 0`
          : eq(tickets.departmentId, f.scopeDepartmentId),
    ];
    const present = conds.filter((c): c is SQL => c !== undefined);
    const where = present.length ? and(...present) : undefined;
    const newestFirst = [desc(tickets.createdAt), desc(tickets.id)];
    // Deferred join: the page's ids are picked and sorted from an index (covering for the
    // department/category/status filter), then only those rows are read in full.
    const pageIds = this.db
      .select({ id: tickets.id })
      .from(tickets)
      .where(where)
      .orderBy(...newestFirst)
      .limit(f.limit)
      .offset(f.offset);
    const rows = await this.db
      .select()
      .from(tickets)
      .where(inArray(tickets.id, pageIds))
      .orderBy(...newestFirst);
    const total = (await this.db.select({ n: count() }).from(tickets).where(where))[0]?.n ?? 0;
    return { items: rows.map((r) => this.summary(r, now.getTime())), total };
  }

  // ---- triage ------------------------------------------------------------------------------

  async listTriage(status: TriageView['status'] | undefined, limit: number, offset: number) {
    const where = status ? eq(triageItems.status, status) : undefined;
    const rows = await this.db
      .select()
      .from(triageItems)
      .where(where)
      .orderBy(desc(triageItems.createdAt), desc(triageItems.id))
      .limit(limit)
      .offset(offset);
    const total = (await this.db.select({ n: count() }).from(triageItems).where(where))[0]?.n ?? 0;
    return { items: rows.map((r) => this.triageView(r)), total };
  }

  /** Confirms a pending item: it becomes a ticket (or an occurrence of one). */
  async confirmTriage(
    id: string,
    actor: TicketActor,
    reason?: string,
  ): Promise<Result<{ item: TriageView; outcome: IntakeOutcome }, 'NotFound' | 'Conflict'>> {
    const now = this.now();
    return this.write(async (tx, events) => {
      const item = (await tx.select().from(triageItems).where(eq(triageItems.id, id)))[0];
      if (!item) return fail('NotFound', `no triage item with id ${id}`);
      if (item.status !== 'pending') return fail('Conflict', `the triage item was already ${item.status}`);
      const m = item.frameSha256
        ? (await tx.select().from(media).where(eq(media.sha256, item.frameSha256)))[0]
        : undefined;
      const input: IntakeInput = {
        category: item.category,
        score: item.score,
        lat: item.latDeg,
        lon: item.lonDeg,
        errorM: item.errorM,
        capturedAt: item.createdAt.getTime(),
        description: item.description,
        source: item.source === 'citizen' ? 'citizen' : 'detector',
        raw: JSON.parse(item.findingJson) as unknown,
      };
      const g = input.raw as Partial<GeoFinding>;
      if (typeof g.capturedAtMs === 'number') input.capturedAt = g.capturedAtMs;
      input.vehicleId = typeof g.vehicleId === 'string' ? g.vehicleId : null;
      input.sortieId = typeof g.sortieId === 'string' ? g.sortieId : null;
      const outcome = await this.fileInTx(
        tx,
        item.category as TicketCategory,
        input,
        m ? { sha: m.sha256, mime: m.mime } : null,
        now,
        events,
      );
      const ticketId = outcome.kind === 'ticket' || outcome.kind === 'occurrence' ? outcome.ticket.id : null;
      if (outcome.kind === 'ticket')
        await tx
          .update(tickets)
          .set({ source: item.source === 'citizen' ? 'citizen' : 'triage' })
          .where(eq(tickets.id, ticketId!));
      await tx
        .update(triageItems)
        .set({
          status: 'confirmed',
          decidedAt: new Date(now),
          decidedBy: actor.id,
          reason: reason ?? null,
          ticketId,
        })
        .where(eq(triageItems.id, id));
      const updated = (await tx.select().from(triageItems).where(eq(triageItems.id, id)))[0]!;
      const finalOutcome =
        outcome.kind === 'ticket'
          ? { ...outcome, ticket: this.summary((await this.row(tx, outcome.ticket.id))!, now) }
          : outcome;
      return ok({ item: this.triageView(updated), outcome: finalOutcome });
    });
  }

  /** Rejects a pending item; it is kept, with its frame, as a labelled false positive. */
  async rejectTriage(
    id: string,
    actor: TicketActor,
    reason: string,
  ): Promise<Result<TriageView, 'NotFound' | 'Conflict'>> {
    const now = this.now();
    return transaction(this.db, async (tx) => {
      const item = (await tx.select().from(triageItems).where(eq(triageItems.id, id)))[0];
      if (!item) return fail('NotFound', `no triage item with id ${id}`);
      if (item.status !== 'pending') return fail('Conflict', `the triage item was already ${item.status}`);
      await tx
        .update(triageItems)
        .set({ status: 'rejected', decidedAt: new Date(now), decidedBy: actor.id, reason })
        .where(eq(triageItems.id, id));
      return ok(this.triageView((await tx.select().from(triageItems).where(eq(triageItems.id, id)))[0]!));
    });
  }

  private triageView(r: typeof triageItems.$inferSelect): TriageView {
    return {
      id: r.id,
      status: r.status as TriageView['status'],
      source: r.source,
      category: r.category,
      score: r.score,
      lat: r.latDeg,
      lon: r.lonDeg,
      errorM: r.errorM,
      description: r.description,
      finding: JSON.parse(r.findingJson) as unknown,
      frameSha256: r.frameSha256,
      createdAt: r.createdAt.getTime(),
      decidedAt: r.decidedAt?.getTime() ?? null,
      decidedBy: r.decidedBy,
      reason: r.reason,
      ticketId: r.ticketId,
    };
  }

  // ---- evidence ----------------------------------------------------------------------------

  /** Stores a file as evidence of a ticket and appends it to the hash chain. */
  async addEvidence(
    ticketId: string,
    file: { bytes: Uint8Array; mime: string },
    kind: 'frame' | 'crop' | 'proof' | 'verification',
    actor: TicketActor,
    meta: Record<string, unknown> | null,
    scopeDepartmentId?: string | null,
  ): Promise<Result<EvidenceView, 'NotFound' | 'ValidationFailed' | 'Forbidden'>> {
    if (!MIME_EXT.test(file.mime)) return fail('ValidationFailed', `not a media type: ${file.mime}`);
    if (file.bytes.byteLength === 0) return fail('ValidationFailed', 'the evidence file is empty');
    const row = await this.row(this.db, ticketId);
    if (!row || !inScope(row, scopeDepartmentId)) return fail('NotFound', `no ticket with id ${ticketId}`);
    if (actor.role === 'department_officer' && kind !== 'proof')
      return fail('Forbidden', 'a department officer uploads proof (kind=proof) only');
    const sha = await this.media.storeBytes(file.bytes, file.mime);
    const now = this.now();
    const view = await this.write(async (tx, events) => {
      await this.insertMedia(tx, sha, file, 'evidence');
      const added = await this.appendEvidence(tx, ticketId, sha, file.mime, kind, actor.id, meta, now);
      events.push({
        type: 'ticket.evidence',
        at: now,
        ticket: this.summary((await this.row(tx, ticketId))!, now),
        evidence: added,
      });
      return added;
    });
    return ok(view);
  }

  private async appendEvidence(
    tx: Tx,
    ticketId: string,
    sha: string,
    mime: string,
    kind: string,
    uploadedBy: string | null,
    meta: Record<string, unknown> | null,
    now: number,
  ): Promise<EvidenceView> {
    const last = (await tx.select().from(evidence).orderBy(desc(evidence.seq)).limit(1))[0];
    const bytes =
      (await tx.select({ bytes: media.bytes }).from(media).where(eq(media.sha256, sha)))[0]?.bytes ?? 0;
    const rec = nextRecord(last ? { seq: last.seq, chainHash: last.chainHash } : null, {
      ticketId,
      kind,
      at: now,
      fileSha256: sha,
    });
    const screening: Screening =
      kind === REDACTED_KIND
        ? 'not_applicable'
        : this.screener && isScreenable(mime)
          ? 'pending'
          : 'not_screened';
    if (screening === 'pending') (this.screenAfterCommit.get(tx) ?? this.toScreen).push(rec.seq);
    await tx.insert(evidence).values({
      seq: rec.seq,
      ticketId,
      kind,
      fileSha256: sha,
      mime,
      bytes,
      at: new Date(now),
      uploadedBy,
      metaJson: meta ? JSON.stringify(meta) : null,
      screening,
      prevHash: rec.prevHash,
      chainHash: rec.chainHash,
    });
    return evidenceView((await tx.select().from(evidence).where(eq(evidence.seq, rec.seq)))[0]!, true);
  }

  /**
   * The file of an evidence record for the caller: the original for holders of
   * `evidence.original` (`mayOriginal`) and for screened images without persons, the blurred
   * derivative when persons were found, else a notice saying why there is no image (screening
   * pending or not possible). Null: no such record the caller may see.
   */
  async evidenceFile(
    ticketId: string,
    seq: number,
    scopeDepartmentId?: string | null,
    mayOriginal = false,
  ): Promise<{ key: string; mime: string; redacted: boolean } | { notice: Screening } | null> {
    const row = await this.row(this.db, ticketId);
    if (!row || !inScope(row, scopeDepartmentId)) return null;
    const e = await this.evidenceRow(ticketId, seq);
    if (!e) return null;
    const access = evidenceAccess(e, mayOriginal);
    if (access === 'notice') return { notice: e.screening as Screening };
    const shown = access === 'redacted' ? await this.evidenceRow(ticketId, e.redactedSeq!) : e;
    if (!shown) return { notice: 'not_screened' };
    return {
      key: shown.fileSha256,
      mime: shown.mime,
      redacted: shown.kind === REDACTED_KIND,
    };
  }

  private async evidenceRow(ticketId: string, seq: number) {
    return (
      await this.db
        .select()
        .from(evidence)
        .where(and(eq(evidence.ticketId, ticketId), eq(evidence.seq, seq)))
    )[0];
  }

  // ---- screening (persons blurred, core/redaction.ts) ---------------------------------------

  /**
   * Sets the person screener (null: none, evidence is stored as not screened) and queues every
   * image not screened yet: those pending from before a restart and those stored while no
   * screener was available.
   */
  async useScreener(
    screener: EvidenceScreener | null,
    log?: (msg: string, fields: Record<string, unknown>) => void,
  ): Promise<void> {
    this.screener = screener;
    if (log) this.screenLog = log;
    if (!screener) return;
    const waiting = (
      await this.db
        .select({ seq: evidence.seq, mime: evidence.mime })
        .from(evidence)
        .where(inArray(evidence.screening, ['pending', 'not_screened']))
        .orderBy(asc(evidence.seq))
    ).filter((e) => isScreenable(e.mime));
    if (waiting.length === 0) return;
    await this.db
      .update(evidence)
      .set({ screening: 'pending' })
      .where(
        inArray(
          evidence.seq,
          waiting.map((e) => e.seq),
        ),
      );
    this.toScreen.push(...waiting.map((e) => e.seq));
    this.kickScreening();
  }

  /** Resolves when every evidence image stored so far has been screened (tests, shutdown). */
  whenScreened(): Promise<void> {
    return this.screening;
  }

  /**
   * Resolves once screening and every write started in the background (a verification flight's
   * closing evidence, stored when its sortie ends) are done; the app waits for it before the
   * database closes.
   */
  async whenIdle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    await this.screening;
  }

  /** Runs `work` in the background, tracked by `whenIdle`; answers its promise. */
  private tracked<T>(work: Promise<T>): Promise<T> {
    this.background.add(work);
    void work.finally(() => this.background.delete(work)).catch(() => {});
    return work;
  }

  /** Queues the records appended since the last kick (call after their transaction commits). */
  private kickScreening(): void {
    const seqs = this.toScreen;
    this.toScreen = [];
    for (const seq of seqs)
      this.screening = this.screening
        .then(() => this.screenOne(seq))
        // A failure here (the database closed under it) must not stop the queue.
        .catch((err: unknown) =>
          this.screenLog('evidence screening failed', {
            seq,
            error: err instanceof Error ? err.message : String(err),
          }),
        );
  }

  private async screenOne(seq: number): Promise<void> {
    const screener = this.screener;
    const e = (await this.db.select().from(evidence).where(eq(evidence.seq, seq)))[0];
    if (e?.screening !== 'pending') return;
    const mark = async (screening: Screening, redactedSeq: number | null = null) =>
      await this.db.update(evidence).set({ screening, redactedSeq }).where(eq(evidence.seq, seq));
    if (!screener) {
      await mark('not_screened');
      return;
    }
    try {
      const original = await this.media.bytes(e.fileSha256);
      if (!original)
        throw new Error(`evidence file ${e.fileSha256} is missing from ${this.media.store.location}`);
      const out = await screener.screen(original, e.mime);
      if (out.kind === 'clear') {
        await mark('clear');
        return;
      }
      const sha = await this.media.storeBytes(out.bytes, e.mime);
      const now = this.now();
      await transaction(this.db, async (tx) => {
        await serialize(tx, 'ticket-desk');
        await this.insertMedia(tx, sha, { bytes: out.bytes, mime: e.mime }, 'evidence');
        const derived = await this.appendEvidence(
          tx,
          e.ticketId,
          sha,
          e.mime,
          REDACTED_KIND,
          null,
          { of: seq, detector: out.detector, persons: out.persons, regions: out.regions },
          now,
        );
        await tx
          .update(evidence)
          .set({ screening: 'blurred', redactedSeq: derived.seq })
          .where(eq(evidence.seq, seq));
      });
    } catch (err) {
      await mark('not_screened');
      this.screenLog('evidence not screened', {
        seq,
        ticketId: e.ticketId,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private async insertMedia(
    tx: Tx,
    sha: string,
    file: { bytes: Uint8Array; mime: string },
    kind: string,
  ): Promise<void> {
    await tx
      .insert(media)
      .values({
        sha256: sha,
        kind,
        mime: file.mime,
        bytes: file.bytes.byteLength,
        createdAt: new Date(this.now()),
      })
      .onConflictDoNothing({ target: media.sha256 });
  }

  // ---- verification flights (core/verification.ts) ------------------------------------------

  /**
   * What a verification flight over a ticket would look for: answers NotFound outside the
   * caller's scope, InvalidTransition unless the ticket is handled (待核查), Conflict while an
   * earlier verification flight of it is still flying.
   */
  async verificationTarget(
    ticketId: string,
    scopeDepartmentId?: string | null,
  ): Promise<
    Result<
      {
        number: string;
        category: string;
        lat: number;
        lon: number;
        radiusM: number;
        departmentId: string | null;
      },
      'NotFound' | 'InvalidTransition' | 'Conflict'
    >
  > {
    const row = await this.row(this.db, ticketId);
    if (!row || !inScope(row, scopeDepartmentId)) return fail('NotFound', `no ticket with id ${ticketId}`);
    if (row.status !== 'handled')
      return fail(
        'InvalidTransition',
        `ticket ${row.number} is ${row.status}: a verification flight is sent over a handled ticket`,
      );
    const flying = (
      await this.db
        .select({ sortieId: verificationFlights.sortieId })
        .from(verificationFlights)
        .where(
          and(eq(verificationFlights.ticketId, ticketId), sql`${verificationFlights.finishedAt} is null`),
        )
    )[0];
    if (flying)
      return fail('Conflict', `ticket ${row.number}: verification flight ${flying.sortieId} is still flying`);
    const cat = this.policy.categories[row.category as TicketCategory] ?? this.policy.categories.other;
    return ok({
      number: row.number,
      category: row.category,
      lat: row.latDeg,
      lon: row.lonDeg,
      radiusM: cat.dedupRadiusM,
      departmentId: row.departmentId,
    });
  }

  /** Records a launched verification sortie of a ticket (its frames are tallied from now on). */
  async recordVerificationFlight(
    ticketId: string,
    sortieId: string,
    target: Omit<VerificationTarget, 'minScore'>,
    actor: TicketActor,
  ): Promise<void> {
    if (!(Number.isInteger(target.confirmFrames) && target.confirmFrames >= 1))
      throw new Error(`verification flight ${sortieId}: confirmFrames must be a whole number >= 1`);
    await this.db.insert(verificationFlights).values({
      sortieId,
      ticketId,
      category: target.category,
      latDeg: target.lat,
      lonDeg: target.lon,
      radiusM: target.radiusM,
      confirmFrames: target.confirmFrames,
      requestedBy: actor.id,
      createdAt: new Date(this.now()),
    });
  }

  /**
   * Tallies one analysed frame of a sortie (a no-op for sorties that are not verification
   * flights). The frame that confirms the finding (core/verification.ts) is attached to the
   * ticket as verification evidence ("still present"); later frames only count.
   */
  async recordVerificationFrame(
    sortieId: string,
    findings: readonly SeenFinding[],
    frame: { bytes: Uint8Array; mime: string },
  ): Promise<VerificationVerdict | null> {
    const v = await this.openVerificationFlight(sortieId);
    if (!v) return null;
    this.lastVerificationFrame.set(sortieId, frame);
    const target = {
      category: v.category,
      lat: v.latDeg,
      lon: v.lonDeg,
      radiusM: v.radiusM,
      confirmFrames: v.confirmFrames,
      minScore: (this.policy.categories[v.category as TicketCategory] ?? this.policy.categories.other)
        .autoFileScore,
    };
    const tally = tallyFrame(
      {
        frames: v.frames,
        hits: v.hits,
        streak: v.streak,
        longestStreak: v.longestStreak,
        bestScore: v.bestScore,
        nearestM: v.nearestM,
      },
      target,
      findings,
    );
    const verdict = verificationVerdict(tally, v.confirmFrames);
    if (tally.hits > v.hits && (v.bestScore === null || (tally.bestScore ?? 0) > v.bestScore))
      this.sightingVerificationFrame.set(sortieId, frame);
    await this.updateVerificationFlight(v, verdict, verdict.verdict === 'present' ? frame : null, tally);
    return verdict;
  }

  /**
   * Closes a verification flight when its sortie ends: its verdict stays on the flight, and
   * when the finding was not seen the frame of its best unconfirmed sighting, else the last
   * analysed frame, is attached as the verification evidence ("not seen in N frames").
   */
  finishVerificationFlight(sortieId: string): Promise<VerificationVerdict | null> {
    return this.tracked(this.finishVerificationFlightNow(sortieId));
  }

  private async finishVerificationFlightNow(sortieId: string): Promise<VerificationVerdict | null> {
    const lastFrame =
      this.sightingVerificationFrame.get(sortieId) ?? this.lastVerificationFrame.get(sortieId) ?? null;
    this.lastVerificationFrame.delete(sortieId);
    this.sightingVerificationFrame.delete(sortieId);
    const v = await this.openVerificationFlight(sortieId);
    if (!v) return null;
    const verdict = verificationVerdict(v, v.confirmFrames);
    await this.updateVerificationFlight(v, verdict, lastFrame, { finishedAt: new Date(this.now()) });
    return verdict;
  }

  private async openVerificationFlight(sortieId: string) {
    const v = (
      await this.db.select().from(verificationFlights).where(eq(verificationFlights.sortieId, sortieId))
    )[0];
    return v && !v.finishedAt ? v : null;
  }

  /**
   * Stores `change` on a verification flight and, when it has no verification evidence yet
   * and `frame` is given, attaches the frame with the verdict (in one transaction).
   */
  private async updateVerificationFlight(
    v: typeof verificationFlights.$inferSelect,
    verdict: VerificationVerdict,
    frame: { bytes: Uint8Array; mime: string } | null,
    change: Partial<typeof verificationFlights.$inferInsert>,
  ): Promise<void> {
    const attach = v.evidenceSeq === null ? frame : null;
    const sha = attach ? await this.media.storeBytes(attach.bytes, attach.mime) : null;
    const now = this.now();
    await this.write(async (tx, events) => {
      let added: EvidenceView | null = null;
      if (sha && attach) {
        await this.insertMedia(tx, sha, attach, 'evidence');
        const meta = { sortieId: v.sortieId, ...verdict, text: verificationText(verdict) };
        added = await this.appendEvidence(tx, v.ticketId, sha, attach.mime, 'verification', null, meta, now);
      }
      await tx
        .update(verificationFlights)
        .set({ ...change, ...(added ? { evidenceSeq: added.seq } : {}) })
        .where(eq(verificationFlights.sortieId, v.sortieId));
      if (added)
        events.push({
          type: 'ticket.evidence',
          at: now,
          ticket: this.summary((await this.row(tx, v.ticketId))!, now),
          evidence: added,
        });
    });
  }

  private async verificationFlightsOf(ticketId: string) {
    return (
      await this.db
        .select()
        .from(verificationFlights)
        .where(eq(verificationFlights.ticketId, ticketId))
        .orderBy(asc(verificationFlights.createdAt))
    ).map((v) => ({
      sortieId: v.sortieId,
      createdAt: v.createdAt.getTime(),
      finishedAt: v.finishedAt?.getTime() ?? null,
      requestedBy: v.requestedBy,
      radiusM: v.radiusM,
      evidenceSeq: v.evidenceSeq,
      confirmFrames: v.confirmFrames,
      ...verificationVerdict(v, v.confirmFrames),
      text: verificationText(verificationVerdict(v, v.confirmFrames)),
    }));
  }

  // ---- statistics --------------------------------------------------------------------------

  /**
   * Counts by category, department and status, and per department the closure rate (结案率:
   * closed of all but voided) and the on-time rate (按期结案率: closed by the handling deadline
   * of all closed). `from`/`to` bound the creation time.
   */
  async stats(o: { from?: number; to?: number; scopeDepartmentId?: string | null }) {
    const conds: SQL[] = [];
    if (o.from !== undefined) conds.push(gte(tickets.createdAt, new Date(o.from)));
    if (o.to !== undefined) conds.push(sql`${tickets.createdAt} < ${o.to}`);
    if (o.scopeDepartmentId === null) conds.push(sql`1 = 0`);
    else if (o.scopeDepartmentId !== undefined) conds.push(eq(tickets.departmentId, o.scopeDepartmentId));
    const where = conds.length ? and(...conds) : undefined;
    const by = async (col: typeof tickets.category | typeof tickets.status | typeof tickets.departmentId) =>
      (
        await this.db.select({ key: col, n: count() }).from(tickets).where(where).groupBy(col).orderBy(col)
      ).map((r) => ({ key: r.key, count: r.n }));
    const perDepartment = (
      await this.db
        .select({
          departmentId: tickets.departmentId,
          departmentName: departments.name,
          total: count(),
          voided: sql<number>`sum(case when ${tickets.status} = 'voided' then 1 else 0 end)`,
          closed: sql<number>`sum(case when ${tickets.status} = 'closed' then 1 else 0 end)`,
          closedOnTime: sql<number>`sum(case when ${tickets.status} = 'closed' and ${tickets.closedOnTime} then 1 else 0 end)`,
          overdue: sql<number>`sum(case when ${tickets.dueAt} <= ${this.now()} then 1 else 0 end)`,
        })
        .from(tickets)
        .leftJoin(departments, eq(departments.id, tickets.departmentId))
        .where(where)
        // The name is grouped too: PostgreSQL wants every selected column grouped or aggregated.
        .groupBy(tickets.departmentId, departments.name)
        .orderBy(tickets.departmentId)
    ).map((r) => {
      const closed = Number(r.closed ?? 0);
      const counted = r.total - Number(r.voided ?? 0);
      return {
        departmentId: r.departmentId,
        departmentName: r.departmentName,
        total: r.total,
        closed,
        closedOnTime: Number(r.closedOnTime ?? 0),
        overdue: Number(r.overdue ?? 0),
        closureRate: counted > 0 ? closed / counted : null,
        onTimeRate: closed > 0 ? Number(r.closedOnTime ?? 0) / closed : null,
      };
    });
    return {
      byCategory: await by(tickets.category),
      byStatus: await by(tickets.status),
      byDepartment: await by(tickets.departmentId),
      perDepartment,
    };
  }
}

// ---- helpers -------------------------------------------------------------------------------

const date = (t: number | null) => (t === null ? null : new Date(t));

function phaseOf(status: TicketStatus): 'sign' | 'handle' | null {
  if (status === 'dispatched') return 'sign';
  if (status === 'signed' || status === 'in_progress') return 'handle';
  return null;
}

function inScope(row: Row, scopeDepartmentId: string | null | undefined): boolean {
  if (scopeDepartmentId === undefined) return true;
  return scopeDepartmentId !== null && row.departmentId === scopeDepartmentId;
}

function evidenceMeta(input: IntakeInput): Record<string, unknown> {
  const raw = input.raw as Partial<GeoFinding>;
  return {
    source: input.source,
    score: input.score,
    capturedAt: input.capturedAt,
    vehicleId: input.vehicleId ?? null,
    sortieId: input.sortieId ?? null,
    ...(raw.detector ? { detector: raw.detector } : {}),
    ...(raw.box ? { box: raw.box } : {}),
    ...(raw.label ? { label: raw.label } : {}),
  };
}

export function lifecycleOf(r: Row): TicketLifecycle {
  return {
    status: r.status as TicketStatus,
    version: r.version,
    departmentId: r.departmentId,
    extension: r.extension as TicketLifecycle['extension'],
    extensionMinutes: r.extensionMinutes,
    dispatchedAt: r.dispatchedAt?.getTime() ?? null,
    signedAt: r.signedAt?.getTime() ?? null,
    handledAt: r.handledAt?.getTime() ?? null,
    closedAt: r.closedAt?.getTime() ?? null,
    handleDeadlineAt: r.handleDeadlineAt?.getTime() ?? null,
  };
}

/** The stored ticket as the desk shows it, with its running clock (`sla`) at the time it was read. */
export function ticketSummary(r: Row, sla: SlaState | null): TicketSummary {
  return {
    id: r.id,
    number: r.number,
    category: r.category,
    status: r.status as TicketStatus,
    version: r.version,
    source: r.source,
    description: r.description,
    lat: r.latDeg,
    lon: r.lonDeg,
    errorM: r.errorM,
    gridId: r.gridId,
    departmentId: r.departmentId,
    score: r.score,
    urgent: r.urgent,
    occurrenceCount: r.occurrenceCount,
    reopenCount: r.reopenCount,
    extension: r.extension,
    extensionMinutes: r.extensionMinutes,
    createdAt: r.createdAt.getTime(),
    updatedAt: r.updatedAt.getTime(),
    lastOccurrenceAt: r.lastOccurrenceAt.getTime(),
    dispatchedAt: r.dispatchedAt?.getTime() ?? null,
    signedAt: r.signedAt?.getTime() ?? null,
    handledAt: r.handledAt?.getTime() ?? null,
    closedAt: r.closedAt?.getTime() ?? null,
    signDeadlineAt: r.signDeadlineAt?.getTime() ?? null,
    handleDeadlineAt: r.handleDeadlineAt?.getTime() ?? null,
    dueAt: r.dueAt?.getTime() ?? null,
    escalationLevel: r.escalationLevel,
    closedOnTime: r.closedOnTime,
    sla,
  };
}

function transitionView(t: typeof ticketTransitions.$inferSelect): TransitionView {
  return {
    id: t.id,
    action: t.action as TransitionRecord['action'],
    fromStatus: t.fromStatus as TicketStatus,
    toStatus: t.toStatus as TicketStatus,
    version: t.version,
    actorId: t.actorId,
    actorRole: t.actorRole as TransitionRecord['actorRole'],
    at: t.at.getTime(),
    reason: t.reason,
    data: t.dataJson ? (JSON.parse(t.dataJson) as Record<string, unknown>) : null,
  };
}

function evidenceView(e: typeof evidence.$inferSelect, mayOriginal: boolean): EvidenceView {
  return {
    seq: e.seq,
    ticketId: e.ticketId,
    kind: e.kind,
    fileSha256: e.fileSha256,
    mime: e.mime,
    bytes: e.bytes,
    at: e.at.getTime(),
    uploadedBy: e.uploadedBy,
    meta: e.metaJson ? (JSON.parse(e.metaJson) as Record<string, unknown>) : null,
    chainHash: e.chainHash,
    screening: e.screening as Screening,
    redactedSeq: e.redactedSeq,
    access: evidenceAccess(e, mayOriginal),
  };
}

/**
 * Verifies the whole evidence chain of a database against the files in the media store (local
 * folder or S3; each file is read and hashed once): answers OK with the record count, or the
 * first tampered, missing or reordered record.
 */
export async function verifyEvidenceChain(db: Db, media: MediaLibrary): Promise<ChainVerdict> {
  const rows = await db.select().from(evidence).orderBy(asc(evidence.seq));
  const records: ChainRecord[] = rows.map((r) => ({
    seq: r.seq,
    ticketId: r.ticketId,
    kind: r.kind,
    at: r.at.getTime(),
    fileSha256: r.fileSha256,
    prevHash: r.prevHash,
    chainHash: r.chainHash,
  }));
  const hashes = new Map<string, string | null>();
  for (const r of records)
    if (!hashes.has(r.fileSha256)) hashes.set(r.fileSha256, await media.hashOf(r.fileSha256));
  return verifyChain(records, (sha) => hashes.get(sha) ?? null);
}
