/** Users: administrators manage accounts; `toUserView` is the public shape of a user. */
import { and, count, eq, ne } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { hashPassword } from '../auth/passwords.ts';
import { deleteUserSessions } from '../auth/sessions.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/client.ts';
import { departments, ROLES, type Role, users } from '../db/schema.ts';
import { ApiError, errorResponses } from '../http/errors.ts';
import { Body, created, iso, NullableId, requireRef, resourceRoutes } from './common.ts';

export const RoleSchema = Type.Enum(ROLES);

export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  departmentId: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type UserViewT = Static<typeof UserView>;

type UserRow = typeof users.$inferSelect;

export function toUserView(u: UserRow): UserViewT {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    departmentId: u.departmentId,
    disabled: u.disabled,
    createdAt: iso(u.createdAt)!,
  };
}

const Username = Type.String({
  pattern: '^[a-z0-9][a-z0-9_.-]{2,31}$',
  description: '3-32 characters: lower-case letters, digits, _ . -',
});
/** Passwords: at least 8 characters; the upper bound keeps hashing cheap for the server. */
export const Password = Type.String({ minLength: 8, maxLength: 256 });

const UserFields = {
  username: Username,
  displayName: Type.String({ minLength: 1, maxLength: 120 }),
  role: RoleSchema,
  departmentId: Type.Optional(NullableId),
  password: Password,
};

function checkOfficerDepartment(role: Role, departmentId: string | null | undefined): void {
  if (role === 'department_officer' && !departmentId) {
    throw new ApiError(
      'ValidationFailed',
      'body.departmentId is required for role department_officer',
      'body.departmentId',
    );
  }
}

/** Refuses a change that would leave no enabled administrator to manage the system. */
async function keepOneAdministrator(db: Db, changingUserId: string): Promise<void> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, 'administrator'), eq(users.disabled, false), ne(users.id, changingUserId)));
  if ((row?.n ?? 0) === 0)
    throw new ApiError('Conflict', 'this would leave no enabled administrator', undefined, {
      detail: 'LastAdministrator',
    });
}

export function registerUserRoutes(app: FastifyInstance, ctx: AppContext): void {
  const user = resourceRoutes(app, ctx.database.db, {
    path: '/users',
    table: users,
    what: 'user',
    tags: ['users'],
  });
  const { r, db, tags } = user;

  user.registerRead({
    permission: 'users.read',
    listSummary: 'List users',
    getSummary: 'One user',
    view: UserView,
    toView: toUserView,
    orderBy: users.username,
  });

  r.post(
    '/users',
    {
      config: { permission: 'users.write' },
      schema: {
        tags,
        summary: 'Create a user',
        body: Body(UserFields),
        response: { 201: UserView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      checkOfficerDepartment(b.role, b.departmentId);
      await requireRef(db, departments, b.departmentId, 'body.departmentId', 'department');
      const [exists] = await db.select({ id: users.id }).from(users).where(eq(users.username, b.username));
      if (exists)
        throw new ApiError('Conflict', `username ${b.username} is taken`, 'body.username', {
          detail: 'UsernameTaken',
          username: b.username,
        });
      const row = await user.insert({
        username: b.username,
        displayName: b.displayName,
        role: b.role,
        departmentId: b.departmentId ?? null,
        passwordHash: await hashPassword(b.password),
        createdAt: new Date(ctx.now()),
      });
      return created(req, reply, row.id, toUserView(row));
    },
  );

  r.patch(
    '/users/:id',
    user.change({
      permission: 'users.write',
      summary: 'Change a user (a new password or disabling ends their sessions)',
      fields: {
        displayName: UserFields.displayName,
        role: RoleSchema,
        departmentId: NullableId,
        password: Password,
        disabled: Type.Boolean(),
      },
      view: UserView,
    }),
    async (req) => {
      const b = req.body;
      const cur = await user.find(req.params.id);
      const role = b.role ?? cur.role;
      const departmentId = b.departmentId === undefined ? cur.departmentId : b.departmentId;
      checkOfficerDepartment(role, departmentId);
      await requireRef(db, departments, b.departmentId, 'body.departmentId', 'department');
      const disabled = b.disabled ?? cur.disabled;
      if (cur.role === 'administrator' && !cur.disabled && (role !== 'administrator' || disabled)) {
        await keepOneAdministrator(db, cur.id);
      }
      const [row] = await db
        .update(users)
        .set({
          displayName: b.displayName ?? cur.displayName,
          role,
          departmentId,
          disabled,
          ...(b.password ? { passwordHash: await hashPassword(b.password) } : {}),
          updatedAt: new Date(ctx.now()),
        })
        .where(eq(users.id, cur.id))
        .returning();
      if (b.password || (disabled && !cur.disabled)) await deleteUserSessions(db, cur.id);
      return toUserView(row!);
    },
  );

  user.registerDelete({
    permission: 'users.write',
    summary: 'Delete a user',
    before: async (id) => {
      const [cur] = await db.select().from(users).where(eq(users.id, id));
      if (cur?.role === 'administrator' && !cur.disabled) await keepOneAdministrator(db, cur.id);
    },
  });
}
