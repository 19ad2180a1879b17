/**
 * The audit log: every state-changing request (anything but GET/HEAD/OPTIONS under /api) is
 * recorded with who, what (method, route pattern, target id), when and the status code. It is
 * written in `onSend`, before the response leaves, so a client that sees the answer can also
 * see its audit entry. Refused and failed requests are recorded too.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';
import { auditLog } from './db/schema.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function installAudit(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (READ_METHODS.has(req.method) || !req.url.startsWith('/api/')) return payload;
    const params = (req.params ?? {}) as { id?: unknown };
    const targetId = req.auditTargetId ?? (typeof params.id === 'string' ? params.id : null);
    try {
      await ctx.database.db.insert(auditLog).values({
        at: new Date(ctx.now()),
        userId: req.auth?.id ?? null,
        username: req.auth?.username ?? req.auditUsername,
        role: req.auth?.role ?? null,
        method: req.method,
        route: req.routeOptions.url ?? req.url.split('?')[0] ?? req.url,
        targetId,
        statusCode: reply.statusCode,
        ip: req.ip,
      });
    } catch (err) {
      req.log.error({ err }, 'audit log write failed');
    }
    return payload;
  });
}
