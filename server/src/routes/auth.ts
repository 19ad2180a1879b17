/** Sign-in, sign-out and "who am I". */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { and, eq, ne } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../auth/passwords.ts';
import { decide, PERMISSIONS, type Permission, type Role } from '../auth/permissions.ts';
import { SESSION_COOKIE } from '../auth/plugin.ts';
import { createSession, deleteSession } from '../auth/sessions.ts';
import type { AppContext } from '../context.ts';
import { sessions, users } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { Password, toUserView, UserView } from './users.ts';

/** The signed-in user plus the permissions their role holds. */
const MeView = Type.Object({ ...UserView.properties, permissions: Type.Array(Type.String()) });

function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => decide(role, p) !== null);
}

/** Requests per minute per address on the login route, on top of the failure counter. */
const LOGIN_REQUESTS_PER_MINUTE = 30;

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;
  const tags = ['auth'];

  r.post(
    '/auth/login',
    {
      config: {
        permission: 'public',
        rateLimit: { max: LOGIN_REQUESTS_PER_MINUTE, timeWindow: 60_000 },
      },
      schema: {
        tags,
        security: [],
        summary: 'Sign in: returns a bearer token and sets an httpOnly session cookie',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            user: UserView,
            token: Type.String({ description: 'Send as `Authorization: Bearer <token>`' }),
            expiresAt: Type.String({ format: 'date-time' }),
          }),
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      req.auditUsername = username;
      const limiter = ctx.loginLimiter;
      if (await limiter.isBlocked(req.ip, username)) {
        throw new ApiError('RateLimited', 'too many failed sign-ins; wait a minute and try again');
      }
      const [user] = await db.select().from(users).where(eq(users.username, username));
      const good =
        user && !user.disabled
          ? await verifyPassword(user.passwordHash, password)
          : await verifyAgainstDummy(password);
      if (!user || !good) {
        await limiter.recordFailure(req.ip, username);
        throw new ApiError('Unauthorized', 'wrong username or password');
      }
      await limiter.recordSuccess(username);
      const ttlMs = ctx.config.sessionTtlS * 1000;
      const session = await createSession(db, user.id, { ttlMs, now: ctx.now(), ip: req.ip });
      req.auth = {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        departmentId: user.departmentId,
        sessionId: '',
      };
      req.auditTargetId = user.id;
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.config.cookieSecure,
        path: '/',
        maxAge: ctx.config.sessionTtlS,
      });
      return { user: toUserView(user), token: session.token, expiresAt: session.expiresAt.toISOString() };
    },
  );

  r.post(
    '/auth/logout',
    {
      config: { permission: 'session.self' },
      schema: { tags, summary: 'End this session', response: { 204: Type.Null(), ...errorResponses(401) } },
    },
    async (req, reply) => {
      await deleteSession(db, req.auth!.sessionId);
      reply.clearCookie(SESSION_COOKIE, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.config.cookieSecure,
      });
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/auth/password',
    {
      config: { permission: 'session.self' },
      schema: {
        tags,
        summary: 'Change your own password; your other sessions end',
        body: Type.Object(
          { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Password },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (req, reply) => {
      const me = req.auth!;
      req.auditTargetId = me.id;
      // Guessing the current password here counts like guessing it at sign-in.
      if (await ctx.loginLimiter.isBlocked(req.ip, me.username)) {
        throw new ApiError('RateLimited', 'too many wrong passwords; wait a minute and try again');
      }
      const [row] = await db.select().from(users).where(eq(users.id, me.id));
      if (!row || !(await verifyPassword(row.passwordHash, req.body.currentPassword))) {
        await ctx.loginLimiter.recordFailure(req.ip, me.username);
        throw new ApiError('Forbidden', 'the current password is wrong', 'body.currentPassword', {
          detail: 'WrongPassword',
        });
      }
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(req.body.newPassword), updatedAt: new Date(ctx.now()) })
        .where(eq(users.id, me.id));
      await db.delete(sessions).where(and(eq(sessions.userId, me.id), ne(sessions.id, me.sessionId)));
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/auth/me',
    {
      config: { permission: 'session.self' },
      schema: {
        tags,
        summary:
          'The signed-in user, with the permissions of their role (the console hides what they may not do)',
        response: { 200: MeView, ...errorResponses(401) },
      },
    },
    async (req) => {
      const [row] = await db.select().from(users).where(eq(users.id, req.auth!.id));
      if (!row) throw new ApiError('Unauthorized', 'the user of this session no longer exists');
      return { ...toUserView(row), permissions: permissionsOf(row.role) };
    },
  );
}
