/**
 * Authentication and authorisation for every route. Each route must declare
 * `config.permission` (a name from the permission matrix, or 'public'); a route without one
 * fails at registration, so nothing can be added unguarded. The check runs in `onRequest`,
 * before the body is read: unauthenticated -> 401, refused by the matrix -> 403.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { ApiError } from '../http/errors.ts';
import { decide, PERMISSION_MATRIX, type RouteAccess, type Scope } from './permissions.ts';
import { type AuthUser, findSessionUser } from './sessions.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'aerie_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which permission of the matrix guards this route. */
    permission?: RouteAccess;
  }
  interface FastifyRequest {
    /** The signed-in user, or null on public routes without credentials. */
    auth: AuthUser | null;
    /** The scope the matrix granted for this route (null on public routes). */
    scope: Scope | null;
    /** Id of the record a state-changing request acted on, for the audit log. */
    auditTargetId: string | null;
    /** Name tried in a login that has no user yet, for the audit log. */
    auditUsername: string | null;
  }
}

/** The session token of a request: the bearer token wins over the cookie. */
export function requestToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return m?.[1] ?? null;
  }
  return req.cookies[SESSION_COOKIE] ?? null;
}

/** Swagger UI's own routes (assets, its copy of the spec) are public documentation. */
const DOCS_PREFIX = '/api/docs';

export function installAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('scope', null);
  app.decorateRequest('auditTargetId', null);
  app.decorateRequest('auditUsername', null);

  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { permission?: RouteAccess };
    if (!config.permission && route.url.startsWith(DOCS_PREFIX)) {
      route.config = { ...config, permission: 'public' };
      return;
    }
    const p = config.permission;
    if (p !== 'public' && !(p && p in PERMISSION_MATRIX)) {
      throw new Error(`route ${route.method} ${route.url} declares no permission from the matrix`);
    }
  });

  app.addHook('onRequest', async (req) => {
    const permission = req.routeOptions.config.permission;
    // Unknown routes (404 handler) and public routes need no credentials.
    if (!permission || permission === 'public') return;
    const token = requestToken(req);
    const user = token ? await findSessionUser(ctx.database.db, token, ctx.now()) : null;
    if (!user)
      throw new ApiError('Unauthorized', 'sign in first (session cookie or Authorization: Bearer token)');
    req.auth = user;
    const scope = decide(user.role, permission);
    if (!scope)
      throw new ApiError('Forbidden', `role ${user.role} may not ${permission}`, undefined, {
        detail: 'RoleMayNot',
        role: user.role,
        permission,
      });
    req.scope = scope;
  });
}
