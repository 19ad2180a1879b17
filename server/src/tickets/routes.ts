/**
 * Ticket routes: findings intake, the ticket list and page, transitions (with the version the
 * caller saw), evidence upload and download, the triage queue, statistics, grids (with GeoJSON
 * import) and routing rules. Registered in their own Fastify context, so the binary body
 * parser for evidence uploads applies to these routes only.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { GeoFinding, VerificationFlightSchema } from '@aerie/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { decide } from '../auth/permissions.ts';
import { hashToken } from '../auth/tokens.ts';
import type { AppContext } from '../context.ts';
import { transaction } from '../db/client.ts';
import { departments, grids, open311Keys, ticketRoutes } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { sendMedia } from '../media/http.ts';
import type { MediaStore } from '../media/store.ts';
import { Launched, launchedBody, NotLaunched, notLaunchedBody } from '../patrol/sorties-api.ts';
import {
  Body,
  IdParams,
  Name,
  NullableId,
  notFound,
  Page,
  PagingQuery,
  PatchBody,
  requireRef,
  Timestamp,
} from '../routes/common.ts';
import {
  parseGeometry,
  parseGridCollection,
  TICKET_ACTIONS,
  TICKET_CATEGORIES,
  TICKET_STATUSES,
  type TicketActor,
  verificationRoute,
} from './core/index.ts';
import type { DeskError, IntakeOutcome, TicketDesk } from './desk.ts';
import {
  EvidenceSchema,
  evidenceView,
  SlaSchema,
  slaView,
  TicketView,
  TimelineStepSchema,
  TransitionSchema,
  TriageSchema,
  ticketView,
  transitionView,
  triageView,
} from './views.ts';

const EVIDENCE_KINDS = ['frame', 'crop', 'proof', 'verification'] as const;
const MEDIA_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'video/mp4',
  'application/octet-stream',
] as const;
/** Evidence uploads and findings with a frame may be larger than the API's 1 MiB default. */
const MEDIA_BODY_LIMIT = 20 * 1024 * 1024;

function actorOf(req: FastifyRequest): TicketActor {
  const u = req.auth!;
  return { id: u.id, role: u.role, departmentId: u.departmentId };
}

const EvidenceParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  seq: Type.Integer({ minimum: 1 }),
});

/**
 * Sends an evidence file from the media store; `x-aerie-evidence` says whether it is the
 * original or the blurred one. A file missing from the store is a 404 naming it.
 */
async function sendEvidence(
  req: FastifyRequest,
  reply: FastifyReply,
  store: MediaStore,
  found: { key: string; mime: string; redacted: boolean },
) {
  reply.header('x-aerie-evidence', found.redacted ? 'redacted' : 'original');
  if (!(await sendMedia(req, reply, store, found.key, found.mime)))
    throw new ApiError('NotFound', `evidence file ${found.key} is missing from the media store`);
  return reply;
}

/** Whether the caller may see evidence originals (persons unblurred). */
function mayOriginal(req: FastifyRequest): boolean {
  return req.auth ? decide(req.auth.role, 'evidence.original') !== null : false;
}

/** undefined: no department filter; a department officer: theirs (null when they have none). */
function scopeOf(req: FastifyRequest): string | null | undefined {
  return req.scope === 'department' ? (req.auth?.departmentId ?? null) : undefined;
}

function deskError(e: { code: DeskError | string; message: string }): ApiError {
  switch (e.code) {
    case 'NotFound':
      return new ApiError('NotFound', e.message);
    case 'Conflict':
      return new ApiError('Conflict', e.message);
    case 'Forbidden':
      return new ApiError('Forbidden', e.message);
    case 'InvalidTransition':
      return new ApiError('InvalidTransition', e.message);
    case 'ProofRequired':
      return new ApiError('ProofRequired', e.message);
    case 'ExtensionNotAllowed':
      return new ApiError('ExtensionNotAllowed', e.message);
    case 'ReasonRequired':
      return new ApiError('ValidationFailed', e.message, 'body.reason');
    case 'DepartmentRequired':
      return new ApiError('ValidationFailed', e.message, 'body.departmentId');
    default:
      return new ApiError('ValidationFailed', e.message);
  }
}

const IntakeResponse = Type.Object({
  outcome: Type.Union([
    Type.Literal('ticket'),
    Type.Literal('occurrence'),
    Type.Literal('triage'),
    Type.Literal('ignored'),
  ]),
  ticket: Type.Optional(TicketView),
  reopened: Type.Optional(Type.Boolean()),
  distanceM: Type.Optional(Type.Number()),
  triageItem: Type.Optional(TriageSchema),
  reason: Type.Optional(Type.String()),
});

function intakeView(o: IntakeOutcome, now: number) {
  switch (o.kind) {
    case 'ticket':
      return { outcome: o.kind, ticket: ticketView(o.ticket, now) };
    case 'occurrence':
      return {
        outcome: o.kind,
        ticket: ticketView(o.ticket, now),
        reopened: o.reopened,
        distanceM: o.distanceM,
      };
    case 'triage':
      return { outcome: o.kind, triageItem: triageView(o.item) };
    default:
      return { outcome: o.kind, reason: o.reason };
  }
}

const GridView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  departmentId: Type.Union([Type.String(), Type.Null()]),
  geometry: Type.Unknown({ description: 'GeoJSON Polygon or MultiPolygon' }),
  createdAt: Type.String({ format: 'date-time' }),
});
const gridView = (g: typeof grids.$inferSelect) => ({
  id: g.id,
  name: g.name,
  departmentId: g.departmentId,
  geometry: JSON.parse(g.polygonGeoJson) as unknown,
  createdAt: g.createdAt.toISOString(),
});

const RouteRuleView = Type.Object({
  id: Type.String(),
  category: Type.Union([Type.String(), Type.Null()]),
  gridId: Type.Union([Type.String(), Type.Null()]),
  departmentId: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export function registerTicketRoutes(app: FastifyInstance, ctx: AppContext, desk: TicketDesk): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;
  const tags = ['tickets'];
  // Evidence arrives as the file's own bytes (image/jpeg, image/png, video/mp4, ...).
  app.addContentTypeParser(
    [...MEDIA_TYPES],
    { parseAs: 'buffer', bodyLimit: MEDIA_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  r.post(
    '/findings',
    {
      config: { permission: 'findings.intake' },
      bodyLimit: MEDIA_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Take a finding in: filed as a ticket at or above its category threshold (or attached to a recent ticket ' +
          'nearby as a new occurrence, reopening a closed one), queued for triage below it, ignored when not ticketable',
        body: Body({
          finding: GeoFinding,
          frame: Type.Optional(
            Body({
              mime: Type.String({ pattern: '^image/[a-z0-9.+-]+$' }),
              dataBase64: Type.String({ minLength: 4, contentEncoding: 'base64' }),
            }),
          ),
        }),
        response: { 200: IntakeResponse, 201: IntakeResponse, ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const { finding, frame } = req.body;
      let bytes: Buffer | undefined;
      if (frame) {
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(frame.dataBase64))
          throw new ApiError(
            'ValidationFailed',
            'body.frame.dataBase64 is not base64',
            'body.frame.dataBase64',
          );
        bytes = Buffer.from(frame.dataBase64, 'base64');
      }
      const out = await desk.intakeFinding(
        finding as GeoFinding,
        bytes && frame ? { bytes, mime: frame.mime } : undefined,
      );
      if (out.kind === 'ticket') req.auditTargetId = out.ticket.id;
      return reply.status(out.kind === 'ticket' ? 201 : 200).send(intakeView(out, ctx.now()));
    },
  );

  r.get(
    '/tickets',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags,
        summary: "List tickets, newest first (a department officer sees their department's)",
        querystring: Type.Object({
          ...PagingQuery,
          status: Type.Optional(Type.Array(Type.Enum(TICKET_STATUSES), { maxItems: 10 })),
          category: Type.Optional(Type.Enum(TICKET_CATEGORIES)),
          departmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          overdue: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Page(TicketView), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await desk.list({
        ...(q.status ? { status: q.status } : {}),
        ...(q.category ? { category: q.category } : {}),
        ...(q.departmentId ? { departmentId: q.departmentId } : {}),
        ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
        scopeDepartmentId: scopeOf(req),
        limit: q.limit,
        offset: q.offset,
      });
      const now = ctx.now();
      return {
        items: page.items.map((t) => ticketView(t, now)),
        total: page.total,
        limit: q.limit,
        offset: q.offset,
      };
    },
  );

  r.get(
    '/tickets/stats',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags,
        summary:
          'Tickets by category, status and department; per department the closure rate (结案率) and the on-time rate (按期结案率)',
        querystring: Type.Object({ from: Type.Optional(Timestamp), to: Type.Optional(Timestamp) }),
        response: {
          200: Type.Object({
            byCategory: Type.Array(
              Type.Object({ key: Type.Union([Type.String(), Type.Null()]), count: Type.Integer() }),
            ),
            byStatus: Type.Array(
              Type.Object({ key: Type.Union([Type.String(), Type.Null()]), count: Type.Integer() }),
            ),
            byDepartment: Type.Array(
              Type.Object({ key: Type.Union([Type.String(), Type.Null()]), count: Type.Integer() }),
            ),
            perDepartment: Type.Array(
              Type.Object({
                departmentId: Type.Union([Type.String(), Type.Null()]),
                /** Null for tickets not yet dispatched to a department. */
                departmentName: Type.Union([Type.String(), Type.Null()]),
                total: Type.Integer(),
                closed: Type.Integer(),
                closedOnTime: Type.Integer(),
                overdue: Type.Integer(),
                closureRate: Type.Union([Type.Number(), Type.Null()]),
                onTimeRate: Type.Union([Type.Number(), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req) => {
      const from = req.query.from ? Date.parse(req.query.from) : undefined;
      const to = req.query.to ? Date.parse(req.query.to) : undefined;
      if (from !== undefined && to !== undefined && to <= from)
        throw new ApiError('ValidationFailed', 'query.to must be after query.from', 'query.to');
      return await desk.stats({
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        scopeDepartmentId: scopeOf(req),
      });
    },
  );

  r.get(
    '/tickets/:id',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags,
        summary:
          'One ticket: its timeline of transitions, occurrences, evidence, running clock and the actions the caller may take',
        params: IdParams,
        response: {
          200: Type.Object({
            ticket: TicketView,
            sla: SlaSchema,
            allowedActions: Type.Array(Type.Enum(TICKET_ACTIONS)),
            transitions: Type.Array(TimelineStepSchema),
            occurrences: Type.Array(
              Type.Object({
                id: Type.String(),
                score: Type.Union([Type.Number(), Type.Null()]),
                lat: Type.Number(),
                lon: Type.Number(),
                errorM: Type.Number(),
                capturedAt: Type.String({ format: 'date-time' }),
                vehicleId: Type.Union([Type.String(), Type.Null()]),
                sortieId: Type.Union([Type.String(), Type.Null()]),
                distanceM: Type.Number(),
                finding: Type.Unknown(),
              }),
            ),
            evidence: Type.Array(EvidenceSchema),
            verificationFlights: Type.Array(VerificationFlightSchema),
            /** The caller may send a verification flight now (handled ticket, dispatcher or reviewer). */
            mayRequestVerificationFlight: Type.Boolean(),
            alerts: Type.Array(
              Type.Object({
                kind: Type.String(),
                phase: Type.String(),
                level: Type.Integer(),
                at: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => {
      const got = await desk.get(req.params.id, actorOf(req), scopeOf(req), mayOriginal(req));
      if (!got) throw notFound('ticket', req.params.id);
      const now = ctx.now();
      return {
        ...got,
        ticket: ticketView(got.ticket, now),
        sla: slaView(got.sla),
        transitions: got.transitions.map(transitionView),
        occurrences: got.occurrences.map((o) => ({ ...o, capturedAt: new Date(o.capturedAt).toISOString() })),
        evidence: got.evidence.map(evidenceView),
        mayRequestVerificationFlight:
          got.ticket.status === 'handled' &&
          decide(req.auth!.role, 'tickets.verification_flight') !== null &&
          got.verificationFlights.every((v) => v.finishedAt !== null),
        verificationFlights: got.verificationFlights.map((v) => ({
          ...v,
          createdAt: new Date(v.createdAt).toISOString(),
          finishedAt: v.finishedAt === null ? null : new Date(v.finishedAt).toISOString(),
        })),
        alerts: got.alerts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
      };
    },
  );

  r.post(
    '/tickets/:id/verification-flight',
    {
      config: { permission: 'tickets.verification_flight' },
      schema: {
        tags,
        summary:
          'Send a verification flight (核查飞行) over a handled ticket: an on-demand orbit of its location from the best dock; what the detector sees there is attached as verification evidence',
        params: IdParams,
        response: {
          201: Launched,
          409: Type.Union([NotLaunched, Type.Ref('ErrorBody')]),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const target = await desk.verificationTarget(req.params.id, scopeOf(req));
      if (!target.ok) throw deskError(target.error);
      const planned = verificationRoute(target.value);
      if (!planned.ok) throw new ApiError('ValidationFailed', planned.message);
      const result = await app.patrol.orchestrator.launch({
        route: planned.route,
        routeId: null,
        scheduleId: null,
        sortieClass: 'on_demand',
        priority: 60,
        dueMs: ctx.now(),
        windowEndMs: null,
        dockIds: null,
        // The ticket's department owns the sortie too, so its officers see the flight that
        // checks their work (sorties are scoped by department).
        departmentId: target.value.departmentId,
      });
      if (!result.ok) return reply.status(409).send(notLaunchedBody(result));
      // Sightings must persist as long as a finding's must to file a ticket.
      await desk.recordVerificationFlight(
        req.params.id,
        result.sortieId,
        { ...target.value, confirmFrames: ctx.config.detection.minFrames },
        actorOf(req),
      );
      req.auditTargetId = result.sortieId;
      return reply.status(201).send(launchedBody(result));
    },
  );

  r.post(
    '/tickets/:id/transitions',
    {
      config: { permission: 'tickets.act' },
      schema: {
        tags,
        summary:
          'Move a ticket: file, dispatch, return (退回), sign (签收), start, request/grant/refuse_extension (延期), handle, ' +
          'verify (核查), send_back, close (结案), void (作废), reopen. `version` is the one you saw; a stale one answers 409',
        params: IdParams,
        body: Body({
          action: Type.Enum(TICKET_ACTIONS),
          version: Type.Integer({ minimum: 1 }),
          reason: Type.Optional(Type.String({ maxLength: 2000 })),
          departmentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          extensionMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 * 24 * 30 })),
        }),
        response: {
          200: Type.Object({ ticket: TicketView, transition: TransitionSchema }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (req) => {
      const b = req.body;
      const res = await desk.transition(
        req.params.id,
        {
          action: b.action,
          expectedVersion: b.version,
          ...(b.reason !== undefined ? { reason: b.reason } : {}),
          ...(b.departmentId !== undefined ? { departmentId: b.departmentId } : {}),
          ...(b.extensionMinutes !== undefined ? { extensionMinutes: b.extensionMinutes } : {}),
        },
        actorOf(req),
        scopeOf(req),
      );
      if (!res.ok) throw deskError(res.error);
      return {
        ticket: ticketView(res.value.ticket, ctx.now()),
        transition: transitionView(res.value.transition),
      };
    },
  );

  r.post(
    '/tickets/:id/evidence',
    {
      config: { permission: 'tickets.evidence' },
      bodyLimit: MEDIA_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Attach an evidence file (the raw bytes as the body, Content-Type image/jpeg, image/png, image/webp, video/mp4); ' +
          'it is stored with its SHA-256 in the append-only hash chain. Department officers attach proof only',
        params: IdParams,
        consumes: [...MEDIA_TYPES],
        body: Type.Unknown({ format: 'binary', description: 'The file itself' }),
        querystring: Type.Object({ kind: Type.Enum(EVIDENCE_KINDS, { default: 'proof' }) }),
        response: { 201: EvidenceSchema, ...errorResponses(400, 401, 403, 404, 415) },
      },
    },
    async (req, reply) => {
      const body = req.body as unknown;
      if (!Buffer.isBuffer(body))
        throw new ApiError(
          'UnsupportedMediaType',
          'send the file itself as the body (image/jpeg, image/png, ...)',
        );
      const mime = String(req.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      const res = await desk.addEvidence(
        req.params.id,
        { bytes: body, mime },
        req.query.kind,
        actorOf(req),
        null,
        scopeOf(req),
      );
      if (!res.ok) throw deskError(res.error);
      return reply.status(201).send(evidenceView(res.value));
    },
  );

  r.get(
    '/tickets/:id/evidence/:seq',
    {
      config: { permission: 'tickets.read' },
      schema: {
        tags,
        summary:
          'Download one evidence file: the original for evidence.original holders, otherwise persons blurred (409 EvidenceNotScreened until screened)',
        params: EvidenceParams,
        response: {
          200: Type.String({ format: 'binary', description: 'The file, with its media type' }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (req, reply) => {
      const found = await desk.evidenceFile(req.params.id, req.params.seq, scopeOf(req), mayOriginal(req));
      if (!found) throw new ApiError('NotFound', `no evidence ${req.params.seq} on ticket ${req.params.id}`);
      if ('notice' in found)
        throw new ApiError(
          'EvidenceNotScreened',
          found.notice === 'pending'
            ? `evidence ${req.params.seq}: persons in it are being blurred; try again shortly`
            : `evidence ${req.params.seq}: not screened for persons (no person detector, or not an image); only roles with evidence.original may see it`,
        );
      return sendEvidence(req, reply, desk.media.store, found);
    },
  );

  r.get(
    '/tickets/:id/evidence/:seq/original',
    {
      config: { permission: 'evidence.original' },
      schema: {
        tags,
        summary:
          'Download the original of one evidence file, persons unblurred (command centre, administrators)',
        params: EvidenceParams,
        response: {
          200: Type.String({ format: 'binary', description: 'The original file, with its media type' }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (req, reply) => {
      const found = await desk.evidenceFile(req.params.id, req.params.seq, scopeOf(req), true);
      if (!found || 'notice' in found)
        throw new ApiError('NotFound', `no evidence ${req.params.seq} on ticket ${req.params.id}`);
      return sendEvidence(req, reply, desk.media.store, found);
    },
  );

  // ---- triage ----

  r.get(
    '/triage',
    {
      config: { permission: 'triage.read' },
      schema: {
        tags,
        summary: 'The triage queue (研判): findings below their auto-file score and citizen reports',
        querystring: Type.Object({
          ...PagingQuery,
          status: Type.Optional(
            Type.Union([Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('rejected')]),
          ),
        }),
        response: { 200: Page(TriageSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const page = await desk.listTriage(req.query.status, req.query.limit, req.query.offset);
      return {
        items: page.items.map(triageView),
        total: page.total,
        limit: req.query.limit,
        offset: req.query.offset,
      };
    },
  );

  r.post(
    '/triage/:id/confirm',
    {
      config: { permission: 'triage.decide' },
      schema: {
        tags,
        summary: 'Confirm a triage item: it becomes a ticket (or a new occurrence of a recent one nearby)',
        params: IdParams,
        body: Type.Optional(Body({ reason: Type.Optional(Type.String({ maxLength: 2000 })) })),
        response: {
          200: Type.Object({ item: TriageSchema, result: IntakeResponse }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (req) => {
      const res = await desk.confirmTriage(req.params.id, actorOf(req), req.body?.reason);
      if (!res.ok) throw deskError(res.error);
      return { item: triageView(res.value.item), result: intakeView(res.value.outcome, ctx.now()) };
    },
  );

  r.post(
    '/triage/:id/reject',
    {
      config: { permission: 'triage.decide' },
      schema: {
        tags,
        summary: 'Reject a triage item; it is kept, with its frame, as a labelled false positive',
        params: IdParams,
        body: Body({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }),
        response: { 200: TriageSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const res = await desk.rejectTriage(req.params.id, actorOf(req), req.body.reason);
      if (!res.ok) throw deskError(res.error);
      return triageView(res.value);
    },
  );

  // ---- grids and routing rules ----

  const gridTags = ['grids'];
  r.get(
    '/grids',
    {
      config: { permission: 'grids.read' },
      schema: {
        tags: gridTags,
        summary: 'List grids (网格), the polygons tickets are routed by',
        querystring: Type.Object(PagingQuery),
        response: { 200: Page(GridView), ...errorResponses(400, 401, 403) },
      },
    },
    async (req) => {
      const rows = await db
        .select()
        .from(grids)
        .orderBy(asc(grids.name), asc(grids.id))
        .limit(req.query.limit)
        .offset(req.query.offset);
      const all = await db.select({ id: grids.id }).from(grids);
      return {
        items: rows.map(gridView),
        total: all.length,
        limit: req.query.limit,
        offset: req.query.offset,
      };
    },
  );

  r.get(
    '/grids/:id',
    {
      config: { permission: 'grids.read' },
      schema: {
        tags: gridTags,
        summary: 'One grid',
        params: IdParams,
        response: { 200: GridView, ...errorResponses(401, 403, 404) },
      },
    },
    async (req) => {
      const [row] = await db.select().from(grids).where(eq(grids.id, req.params.id));
      if (!row) throw notFound('grid', req.params.id);
      return gridView(row);
    },
  );

  const checkGeometry = (g: unknown, path: string) => {
    const parsed = parseGeometry(g, path);
    if (!parsed.ok) throw new ApiError('InvalidGeoJson', parsed.error.message, path);
  };

  r.post(
    '/grids',
    {
      config: { permission: 'grids.write' },
      schema: {
        tags: gridTags,
        summary: 'Create a grid from a GeoJSON Polygon or MultiPolygon',
        body: Body({ name: Name, departmentId: Type.Optional(NullableId), geometry: Type.Unknown() }),
        response: { 201: GridView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      checkGeometry(req.body.geometry, 'body.geometry');
      await requireRef(db, departments, req.body.departmentId, 'body.departmentId', 'department');
      const id = randomUUID();
      const [row] = await db
        .insert(grids)
        .values({
          id,
          name: req.body.name,
          departmentId: req.body.departmentId ?? null,
          polygonGeoJson: JSON.stringify(req.body.geometry),
          createdAt: new Date(ctx.now()),
        })
        .returning();
      req.auditTargetId = id;
      return reply.status(201).send(gridView(row!));
    },
  );

  r.patch(
    '/grids/:id',
    {
      config: { permission: 'grids.write' },
      schema: {
        tags: gridTags,
        summary: 'Rename a grid, change its department or polygon',
        params: IdParams,
        body: PatchBody({ name: Name, departmentId: NullableId, geometry: Type.Unknown() }),
        response: { 200: GridView, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const b = req.body;
      if (b.geometry !== undefined) checkGeometry(b.geometry, 'body.geometry');
      await requireRef(db, departments, b.departmentId, 'body.departmentId', 'department');
      const [row] = await db
        .update(grids)
        .set({
          ...(b.name !== undefined ? { name: b.name } : {}),
          ...(b.departmentId !== undefined ? { departmentId: b.departmentId } : {}),
          ...(b.geometry !== undefined ? { polygonGeoJson: JSON.stringify(b.geometry) } : {}),
        })
        .where(eq(grids.id, req.params.id))
        .returning();
      if (!row) throw notFound('grid', req.params.id);
      return gridView(row);
    },
  );

  r.delete(
    '/grids/:id',
    {
      config: { permission: 'grids.write' },
      schema: {
        tags: gridTags,
        summary: 'Delete a grid (its tickets keep their department; routing rules on it go too)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const [row] = await db.delete(grids).where(eq(grids.id, req.params.id)).returning({ id: grids.id });
      if (!row) throw notFound('grid', req.params.id);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/grids/import',
    {
      config: { permission: 'grids.write' },
      bodyLimit: MEDIA_BODY_LIMIT,
      schema: {
        tags: gridTags,
        summary:
          'Import grids from a GeoJSON FeatureCollection (properties.name; properties.department: a department id or code). ' +
          'All or nothing: one bad feature imports none',
        body: Type.Object({
          type: Type.Literal('FeatureCollection'),
          features: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 5000 }),
        }),
        response: { 201: Type.Object({ imported: Type.Array(GridView) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const parsed = parseGridCollection(req.body);
      if (!parsed.ok) throw new ApiError('InvalidGeoJson', parsed.error.message, 'body');
      const deps = await db.select({ id: departments.id, code: departments.code }).from(departments);
      const byRef = new Map<string, string>();
      for (const d of deps) {
        byRef.set(d.id, d.id);
        if (d.code) byRef.set(d.code, d.id);
      }
      const rows = parsed.value.map((g, i) => {
        const departmentId = g.department ? byRef.get(g.department) : null;
        if (departmentId === undefined)
          throw new ApiError(
            'ValidationFailed',
            `features[${i}].properties.department: no department with id or code ${g.department}`,
            `body.features.${i}.properties.department`,
          );
        return {
          id: randomUUID(),
          name: g.name,
          departmentId,
          polygonGeoJson: JSON.stringify(
            g.polygons.length === 1
              ? { type: 'Polygon', coordinates: g.polygons[0] }
              : { type: 'MultiPolygon', coordinates: g.polygons },
          ),
          createdAt: new Date(ctx.now()),
        };
      });
      const inserted = await transaction(db, async (tx) => {
        const out: (typeof grids.$inferSelect)[] = [];
        for (const row of rows) out.push(...(await tx.insert(grids).values(row).returning()));
        return out;
      });
      return reply.status(201).send({ imported: inserted.map(gridView) });
    },
  );

  r.get(
    '/ticket-routes',
    {
      config: { permission: 'grids.read' },
      schema: {
        tags: gridTags,
        summary: 'Routing rules: (category or any, grid or any) -> department; the most specific wins',
        response: { 200: Type.Array(RouteRuleView), ...errorResponses(401, 403) },
      },
    },
    async () => {
      const rows = await db
        .select()
        .from(ticketRoutes)
        .orderBy(asc(ticketRoutes.createdAt), asc(ticketRoutes.id));
      return rows.map((x) => ({ ...x, createdAt: x.createdAt.toISOString() }));
    },
  );

  r.post(
    '/ticket-routes',
    {
      config: { permission: 'grids.write' },
      schema: {
        tags: gridTags,
        summary: 'Add a routing rule',
        body: Body({
          category: Type.Union([Type.Enum(TICKET_CATEGORIES), Type.Null()]),
          gridId: NullableId,
          departmentId: Type.String({ minLength: 1, maxLength: 64 }),
        }),
        response: { 201: RouteRuleView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      await requireRef(db, departments, b.departmentId, 'body.departmentId', 'department');
      await requireRef(db, grids, b.gridId, 'body.gridId', 'grid');
      const same = await db
        .select({ id: ticketRoutes.id })
        .from(ticketRoutes)
        .where(
          and(
            b.category === null ? isNull(ticketRoutes.category) : eq(ticketRoutes.category, b.category),
            b.gridId === null ? isNull(ticketRoutes.gridId) : eq(ticketRoutes.gridId, b.gridId),
          ),
        );
      if (same.length) throw new ApiError('Conflict', 'a rule for this category and grid exists already');
      const id = randomUUID();
      const [row] = await db
        .insert(ticketRoutes)
        .values({
          id,
          category: b.category,
          gridId: b.gridId,
          departmentId: b.departmentId,
          createdAt: new Date(ctx.now()),
        })
        .returning();
      req.auditTargetId = id;
      return reply.status(201).send({ ...row!, createdAt: row!.createdAt.toISOString() });
    },
  );

  r.delete(
    '/ticket-routes/:id',
    {
      config: { permission: 'grids.write' },
      schema: {
        tags: gridTags,
        summary: 'Remove a routing rule',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const [row] = await db
        .delete(ticketRoutes)
        .where(eq(ticketRoutes.id, req.params.id))
        .returning({ id: ticketRoutes.id });
      if (!row) throw notFound('routing rule', req.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- Open311 API keys ----

  const KeyView = Type.Object({
    id: Type.String(),
    name: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  });
  const keyView = (k: typeof open311Keys.$inferSelect) => ({
    id: k.id,
    name: k.name,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt ? k.revokedAt.toISOString() : null,
  });

  r.get(
    '/open311-keys',
    {
      config: { permission: 'open311.keys' },
      schema: {
        tags: ['open311'],
        summary: 'API keys of Open311 clients (the keys themselves are shown only at creation)',
        response: { 200: Type.Array(KeyView), ...errorResponses(401, 403) },
      },
    },
    async () => (await db.select().from(open311Keys).orderBy(asc(open311Keys.createdAt))).map(keyView),
  );

  r.post(
    '/open311-keys',
    {
      config: { permission: 'open311.keys' },
      schema: {
        tags: ['open311'],
        summary: 'Create an API key for an Open311 client; the key is in this answer only',
        body: Body({ name: Name }),
        response: {
          201: Type.Object({ key: Type.String(), apiKey: KeyView }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      const key = `o311_${randomBytes(24).toString('base64url')}`;
      const id = randomUUID();
      const [row] = await db
        .insert(open311Keys)
        .values({ id, name: req.body.name, keyHash: hashToken(key), createdAt: new Date(ctx.now()) })
        .returning();
      req.auditTargetId = id;
      return reply.status(201).send({ key, apiKey: keyView(row!) });
    },
  );

  r.delete(
    '/open311-keys/:id',
    {
      config: { permission: 'open311.keys' },
      schema: {
        tags: ['open311'],
        summary: 'Revoke an API key (kept, marked revoked)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const [row] = await db
        .update(open311Keys)
        .set({ revokedAt: new Date(ctx.now()) })
        .where(eq(open311Keys.id, req.params.id))
        .returning({ id: open311Keys.id });
      if (!row) throw notFound('API key', req.params.id);
      return reply.status(204).send(null);
    },
  );
}
