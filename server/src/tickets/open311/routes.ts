/**
 * Open311 GeoReport v2 at /open311/v2: services and service requests as JSON or XML (by the
 * path's extension), GET for anyone (a city hotline reads drone tickets), POST with an API key
 * (citizen reports land in the triage queue; the answer carries a `token`, the triage item id).
 * Errors answer the spec's `[{ code, description }]`. These routes follow the Open311 spec, not
 * Aerie's API conventions, so they are left out of Aerie's OpenAPI document.
 */
import { desc, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { hashToken } from '../../auth/tokens.ts';
import type { AppContext } from '../../context.ts';
import { departments, open311Keys, tickets, ticketTransitions } from '../../db/schema.ts';
import { isTicketCategory } from '../core/policy.ts';
import type { TicketDesk } from '../desk.ts';
import {
  errorsXml,
  type Open311Error,
  postedXml,
  requestOf,
  requestsXml,
  services,
  servicesXml,
} from './format.ts';

type Format = 'json' | 'xml';

function send(reply: FastifyReply, format: Format, status: number, json: unknown, xml: string) {
  reply.status(status);
  return format === 'json'
    ? reply.type('application/json; charset=utf-8').send(JSON.stringify(json))
    : reply.type('text/xml; charset=utf-8').send(xml);
}

function sendErrors(reply: FastifyReply, format: Format, status: number, errors: Open311Error[]) {
  return send(reply, format, status, errors, errorsXml(errors));
}

/** `x.json` / `x.xml` -> [x, format]; anything else null. */
function splitFormat(s: string): [string, Format] | null {
  const m = /^(.+)\.(json|xml)$/.exec(s);
  return m ? [m[1]!, m[2] as Format] : null;
}

const MAX_REQUESTS = 1000;

export function registerOpen311Routes(app: FastifyInstance, ctx: AppContext, desk: TicketDesk): void {
  const { db } = ctx.database;
  // GeoReport v2 posts are form-encoded.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  const hidden = { config: { permission: 'public' as const }, schema: { hide: true } };

  for (const format of ['json', 'xml'] as const) {
    app.get(`/services.${format}`, hidden, async (_req, reply) => {
      const list = services();
      return send(reply, format, 200, list, servicesXml(list));
    });
  }

  const toRequests = async (rows: (typeof tickets.$inferSelect)[]) => {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const deps = new Map(
      (await db.select({ id: departments.id, name: departments.name }).from(departments)).map((d) => [
        d.id,
        d.name,
      ]),
    );
    const notes = new Map<string, string>();
    for (const t of await db
      .select({ ticketId: ticketTransitions.ticketId, reason: ticketTransitions.reason })
      .from(ticketTransitions)
      .where(inArray(ticketTransitions.ticketId, ids))
      .orderBy(ticketTransitions.version))
      if (t.reason) notes.set(t.ticketId, t.reason);
    return rows.map((r) =>
      requestOf({
        number: r.number,
        status: r.status,
        category: r.category,
        description: r.description,
        departmentName: r.departmentId ? (deps.get(r.departmentId) ?? null) : null,
        statusNotes: notes.get(r.id) ?? null,
        createdAt: r.createdAt.getTime(),
        updatedAt: r.updatedAt.getTime(),
        dueAt: r.dueAt?.getTime() ?? null,
        handleDeadlineAt: r.handleDeadlineAt?.getTime() ?? null,
        lat: r.latDeg,
        lon: r.lonDeg,
        mediaUrl: null,
      }),
    );
  };

  app.get('/requests/:file', hidden, async (req, reply) => {
    const split = splitFormat((req.params as { file: string }).file);
    if (!split)
      return sendErrors(reply, 'json', 404, [
        { code: 404, description: 'use requests.json or requests.xml' },
      ]);
    const [name, format] = split;
    if (name !== 'requests') {
      // requests/{service_request_id}.{format}
      const rows = await db.select().from(tickets).where(eq(tickets.number, name));
      if (!rows.length)
        return sendErrors(reply, format, 404, [{ code: 404, description: `no service request ${name}` }]);
      const list = await toRequests(rows);
      return send(reply, format, 200, list, requestsXml(list));
    }
    return sendErrors(reply, format, 404, [
      { code: 404, description: 'use /requests.json or /requests.xml' },
    ]);
  });

  for (const format of ['json', 'xml'] as const) {
    app.get(`/requests.${format}`, hidden, async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      const errors: Open311Error[] = [];
      const date = (k: string) => {
        const v = q[k];
        if (v === undefined) return undefined;
        const t = Date.parse(v);
        if (Number.isNaN(t)) errors.push({ code: 400, description: `${k} is not a date-time: ${v}` });
        return t;
      };
      const start = date('start_date');
      const end = date('end_date');
      if (q.status !== undefined && !['open', 'closed'].includes(q.status))
        errors.push({ code: 400, description: 'status must be open or closed' });
      const codes = q.service_code?.split(',').filter(Boolean);
      if (codes?.some((c) => !isTicketCategory(c)))
        errors.push({ code: 400, description: `unknown service_code in ${q.service_code}` });
      if (errors.length) return sendErrors(reply, format, 400, errors);
      const ids = q.service_request_id?.split(',').filter(Boolean);
      let rows = await db
        .select()
        .from(tickets)
        .where(ids?.length ? inArray(tickets.number, ids) : undefined)
        .orderBy(desc(tickets.createdAt))
        .limit(ids?.length ? ids.length : MAX_REQUESTS);
      // Without an id, the spec's default window is the last 90 days.
      const from = start ?? (ids?.length ? undefined : ctx.now() - 90 * 86_400_000);
      rows = rows.filter(
        (r) =>
          (from === undefined || r.createdAt.getTime() >= from) &&
          (end === undefined || r.createdAt.getTime() <= end) &&
          (!codes?.length || codes.includes(r.category)),
      );
      let list = await toRequests(rows);
      if (q.status) list = list.filter((r) => r.status === q.status);
      return send(reply, format, 200, list, requestsXml(list));
    });

    app.post(`/requests.${format}`, hidden, async (req, reply) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const str = (k: string) =>
        typeof b[k] === 'string' ? (b[k] as string) : typeof b[k] === 'number' ? String(b[k]) : undefined;
      const key = str('api_key');
      const known = key
        ? (
            await db
              .select()
              .from(open311Keys)
              .where(eq(open311Keys.keyHash, hashToken(key)))
          )[0]
        : undefined;
      if (!known || known.revokedAt)
        return sendErrors(reply, format, 403, [
          { code: 403, description: 'api_key is missing or not valid' },
        ]);
      const errors: Open311Error[] = [];
      const code = str('service_code');
      if (!code || !isTicketCategory(code))
        errors.push({ code: 400, description: `service_code is missing or unknown: ${code ?? ''}` });
      const lat = Number(str('lat'));
      const lon = Number(str('long'));
      if (!str('lat') || !Number.isFinite(lat) || Math.abs(lat) > 90)
        errors.push({ code: 400, description: 'lat must be a latitude in degrees' });
      if (!str('long') || !Number.isFinite(lon) || Math.abs(lon) > 180)
        errors.push({ code: 400, description: 'long must be a longitude in degrees' });
      const description = str('description') ?? '';
      if (description.length > 4000)
        errors.push({ code: 400, description: 'description is longer than 4000 characters' });
      if (errors.length) return sendErrors(reply, format, 400, errors);
      const out = await desk.intake({
        category: code!,
        score: null,
        lat,
        lon,
        errorM: 0,
        capturedAt: ctx.now(),
        description,
        source: 'citizen',
        raw: {
          service_code: code,
          lat,
          long: lon,
          description,
          media_url: str('media_url') ?? null,
          address_string: str('address_string') ?? null,
          via: known.name,
        },
      });
      if (out.kind !== 'triage')
        return sendErrors(reply, format, 400, [{ code: 400, description: 'the report was not accepted' }]);
      const posted = [{ token: out.item.id, service_notice: '已受理，等待研判 / received, awaiting review' }];
      return send(reply, format, 200, posted, postedXml(posted));
    });
  }
}
