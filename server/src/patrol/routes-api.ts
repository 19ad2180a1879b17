/**
 * Patrol routes over HTTP: CRUD, import from QGroundControl `.plan`, GeoJSON, KML or Aerie
 * route JSON, and export to those formats. Saving checks the route with the planning library
 * (against the stored airspace zones): a route with error-severity issues is refused with
 * 422 and the issues, so the planner can show them; warnings are saved and returned.
 */
import {
  fromMissionItems,
  type Issue,
  parseAerieRoute,
  parseRouteFile,
  type Route,
  routeToGeoJson,
  routeToKml,
  summarizeRoute,
  toMissionItems,
  validateRoute,
  withCaptureItems,
  writeAerieRoute,
  writeQgcPlan,
} from '@aerie/missions';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { departments, patrolRoutes, ROUTE_KINDS } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import {
  Body,
  created,
  IdParams,
  iso,
  Name,
  NullableId,
  PatchBody,
  requireRef,
  resourceRoutes,
} from '../routes/common.ts';
import { loadZones, type RouteRow, routeOf } from './store.ts';

export const IssueView = Type.Object({
  code: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  item: Type.Union([Type.Integer(), Type.Null()]),
  message: Type.String(),
});

const SummaryView = Type.Object({
  itemCount: Type.Integer(),
  distanceM: Type.Number(),
  durationS: Type.Number(),
  maxAltM: Type.Number(),
});

const RouteJson = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'An Aerie route file: { "format": "aerie.route", "version": 1, "name", "home"?, "defaults"?, "items": [...] }',
  },
);

const RouteView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Enum(ROUTE_KINDS),
  departmentId: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  route: RouteJson,
  summary: SummaryView,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const SavedView = Type.Object({ ...RouteView.properties, issues: Type.Array(IssueView) });

/** 422 body: the route may not fly; nothing was saved. */
export const NotFlyableBody = Type.Object({
  error: Type.Object({ code: Type.Literal('RouteNotFlyable'), message: Type.String() }),
  issues: Type.Array(IssueView),
});

/**
 * The route with raw MAVLink items (kept from an imported .plan) read back as typed ones where
 * they have a meaning (take-off, waypoint, ...): GeoJSON and KML draw only typed positions.
 */
function typed(route: Route): Route {
  if (!route.items.some((i) => i.type === 'mavlink')) return route;
  const items = toMissionItems(route, { flavour: 'px4', ...(route.home ? { home: route.home } : {}) });
  const back = fromMissionItems(items, { flavour: 'px4', name: route.name });
  return { ...route, items: back.items };
}

/** The summary of the mission flown: a capture setting counts as the camera items it becomes. */
function summaryOf(route: Route) {
  const s = summarizeRoute(withCaptureItems(route));
  return { itemCount: s.itemCount, distanceM: s.distanceM, durationS: s.durationS, maxAltM: s.maxAltM };
}

function view(row: RouteRow) {
  const route = routeOf(row);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    departmentId: row.departmentId,
    createdBy: row.createdBy,
    route: JSON.parse(row.routeJson) as Record<string, unknown>,
    summary: summaryOf(route),
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt),
  };
}

/** A route object from a body; 400 naming the field when it is not a valid Aerie route. */
function parseBodyRoute(json: unknown): Route {
  const parsed = parseAerieRoute(json);
  if (!parsed.ok) throw new ApiError('ValidationFailed', `body.route.${parsed.error.message}`, 'body.route');
  return parsed.route;
}

function notFlyable(reply: FastifyReply, issues: Issue[]) {
  const errors = issues.filter((i) => i.severity === 'error');
  return reply.status(422).send({
    error: {
      code: 'RouteNotFlyable',
      message: `the route may not fly: ${errors.map((e) => `${e.item === null ? '' : `item ${e.item}: `}${e.message}`).join('; ')}`,
    },
    issues,
  });
}

const FORMATS = {
  plan: 'application/json',
  geojson: 'application/geo+json',
  kml: 'application/vnd.google-earth.kml+xml',
  aerie: 'application/json',
} as const;
const EXTENSIONS = { plan: 'plan', geojson: 'geojson', kml: 'kml', aerie: 'json' } as const;

export function registerPatrolRouteRoutes(app: FastifyInstance, ctx: AppContext): void {
  const patrolRoute = resourceRoutes(app, ctx.database.db, {
    path: '/routes',
    table: patrolRoutes,
    what: 'route',
    tags: ['routes'],
    scopeColumn: patrolRoutes.departmentId,
  });
  const { r, db, tags } = patrolRoute;

  patrolRoute.registerRead({
    permission: 'routes.read',
    listSummary: 'List patrol routes with their distance and duration (a department officer sees their own)',
    getSummary: 'One patrol route',
    view: RouteView,
    toView: view,
    orderBy: patrolRoutes.name,
  });

  /**
   * A saved route usually has no home: it flies from whichever dock is assigned at launch, and
   * is checked again from that dock then. A take-off without a position is fine in that case
   * (the dock is the home on the wire), so that one issue is not held against it here.
   */
  async function check(route: Route): Promise<Issue[]> {
    // As flown: item numbers in the issues are those of the mission with its camera items.
    const issues = validateRoute(withCaptureItems(route), { zones: await loadZones(db) });
    return route.home ? issues : issues.filter((i) => i.code !== 'TakeoffPositionUnset');
  }

  const visible = (req: FastifyRequest, id: string): Promise<RouteRow> => patrolRoute.find(id, req);

  /**
   * Checks and stores a new route: 422 with the issues when it may not fly (nothing saved),
   * else 201 with the saved route and its warnings. The department defaults to the user's own.
   */
  async function saveNew(
    req: FastifyRequest,
    reply: FastifyReply,
    route: Route,
    kind: RouteRow['kind'],
    departmentId: string | null | undefined,
  ) {
    await requireRef(db, departments, departmentId, 'body.departmentId', 'department');
    const issues = await check(route);
    if (issues.some((i) => i.severity === 'error')) return notFlyable(reply, issues);
    const row = await patrolRoute.insert({
      name: route.name,
      kind,
      routeJson: writeAerieRoute(route),
      departmentId: departmentId ?? req.auth?.departmentId ?? null,
      createdBy: req.auth?.id ?? null,
      createdAt: new Date(ctx.now()),
    });
    return created(req, reply, row.id, { ...view(row), issues });
  }

  r.post(
    '/routes/validate',
    {
      config: { permission: 'routes.read' },
      schema: {
        tags,
        summary: 'Check a route against the airspace zones without saving it',
        body: Body({ route: RouteJson }),
        response: {
          200: Type.Object({ flyable: Type.Boolean(), issues: Type.Array(IssueView), summary: SummaryView }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (req) => {
      const route = parseBodyRoute(req.body.route);
      const issues = await check(route);
      return { flyable: !issues.some((i) => i.severity === 'error'), issues, summary: summaryOf(route) };
    },
  );

  r.post(
    '/routes',
    {
      config: { permission: 'routes.write' },
      schema: {
        tags,
        summary: 'Save a route (refused with 422 and the issues when it may not fly)',
        body: Body({
          name: Name,
          kind: Type.Enum(ROUTE_KINDS),
          route: RouteJson,
          departmentId: Type.Optional(NullableId),
        }),
        response: { 201: SavedView, 422: NotFlyableBody, ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const route = { ...parseBodyRoute(req.body.route), name: req.body.name };
      return saveNew(req, reply, route, req.body.kind, req.body.departmentId);
    },
  );

  r.post(
    '/routes/import',
    {
      config: { permission: 'routes.write' },
      schema: {
        tags,
        summary: 'Import a QGroundControl .plan, GeoJSON, KML or Aerie route file and save it',
        description:
          'The file text goes in `content`; its format is told from the content (and `filename`). A malformed ' +
          'file answers 400 with a message naming the item and field; a route that may not fly answers 422 with ' +
          'the issues. Nothing is saved in either case.',
        body: Body({
          content: Type.String({ minLength: 1, maxLength: 900_000 }),
          filename: Type.Optional(Type.String({ maxLength: 255 })),
          name: Type.Optional(Name),
          kind: Type.Optional(Type.Enum(ROUTE_KINDS)),
          departmentId: Type.Optional(NullableId),
        }),
        response: { 201: SavedView, 422: NotFlyableBody, ...errorResponses(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const parsed = parseRouteFile(
        req.body.content,
        req.body.filename,
        req.body.name ? { name: req.body.name } : {},
      );
      if (!parsed.ok) {
        const file = req.body.filename ? ` ${req.body.filename}` : '';
        throw new ApiError(
          'ValidationFailed',
          `file${file} (${parsed.error.code}): ${parsed.error.message}`,
          'body.content',
        );
      }
      const route = { ...parsed.route, name: req.body.name ?? parsed.route.name };
      return saveNew(req, reply, route, req.body.kind ?? 'imported', req.body.departmentId);
    },
  );

  r.patch(
    '/routes/:id',
    {
      config: { permission: 'routes.write' },
      schema: {
        tags,
        summary: 'Change a route (the new route is checked as on save)',
        params: IdParams,
        body: PatchBody({
          name: Name,
          kind: Type.Enum(ROUTE_KINDS),
          route: RouteJson,
          departmentId: NullableId,
        }),
        response: { 200: SavedView, 422: NotFlyableBody, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const current = await visible(req, req.params.id);
      const name = req.body.name ?? current.name;
      const route = { ...(req.body.route ? parseBodyRoute(req.body.route) : routeOf(current)), name };
      await requireRef(db, departments, req.body.departmentId, 'body.departmentId', 'department');
      const issues = await check(route);
      if (issues.some((i) => i.severity === 'error')) return notFlyable(reply, issues);
      const row = await patrolRoute.update(current.id, {
        name,
        ...(req.body.kind ? { kind: req.body.kind } : {}),
        ...(req.body.departmentId !== undefined ? { departmentId: req.body.departmentId } : {}),
        routeJson: writeAerieRoute(route),
        updatedAt: new Date(ctx.now()),
      });
      return { ...view(row), issues };
    },
  );

  patrolRoute.registerDelete({
    permission: 'routes.write',
    summary: 'Delete a route (refused with 409 while schedules or sorties use it)',
  });

  r.get(
    '/routes/:id/export',
    {
      config: { permission: 'routes.read' },
      schema: {
        tags,
        summary: 'Download a route as a QGroundControl .plan, GeoJSON, KML or Aerie route file',
        params: IdParams,
        querystring: Type.Object({
          format: Type.Union(
            [Type.Literal('plan'), Type.Literal('geojson'), Type.Literal('kml'), Type.Literal('aerie')],
            { default: 'plan' },
          ),
        }),
        response: { 200: Type.String(), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const row = await visible(req, req.params.id);
      const route = routeOf(row);
      const format = req.query.format;
      let text: string;
      if (format === 'plan') text = writeQgcPlan(withCaptureItems(route));
      else if (format === 'geojson') text = `${JSON.stringify(routeToGeoJson(typed(route)), null, 2)}\n`;
      else if (format === 'kml') text = routeToKml(typed(route));
      else text = writeAerieRoute(route);
      const file = `${row.name.replace(/[^\p{L}\p{N}._-]+/gu, '_') || 'route'}.${EXTENSIONS[format]}`;
      return reply
        .header('content-type', `${FORMATS[format]}; charset=utf-8`)
        .header('content-disposition', `attachment; filename="${encodeURIComponent(file)}"`)
        .send(text);
    },
  );
}
