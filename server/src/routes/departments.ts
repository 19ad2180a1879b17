/** Departments (部门): the units tickets are dispatched to and that officers belong to. */
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { departments } from '../db/schema.ts';
import { errorResponses } from '../http/errors.ts';
import { Body, IdParams, iso, Name, notFound, PatchBody, registerReadRoutes } from './common.ts';

const DepartmentView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

const Code = Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Null()]);

const view = (d: typeof departments.$inferSelect) => ({
  id: d.id,
  name: d.name,
  code: d.code,
  createdAt: iso(d.createdAt)!,
});

export function registerDepartmentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx.database;
  const tags = ['departments'];

  registerReadRoutes(app, db, {
    path: '/departments',
    table: departments,
    what: 'department',
    permission: 'departments.read',
    tags,
    listSummary: 'List departments (a department officer sees their own)',
    getSummary: 'One department',
    view: DepartmentView,
    toView: view,
    orderBy: departments.name,
    scopeColumn: departments.id,
  });

  r.post(
    '/departments',
    {
      config: { permission: 'departments.write' },
      schema: {
        tags,
        summary: 'Create a department',
        body: Body({ name: Name, code: Type.Optional(Code) }),
        response: { 201: DepartmentView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const [row] = await db
        .insert(departments)
        .values({
          id: randomUUID(),
          name: req.body.name,
          code: req.body.code ?? null,
          createdAt: new Date(ctx.now()),
        })
        .returning();
      req.auditTargetId = row!.id;
      return reply.status(201).send(view(row!));
    },
  );

  r.patch(
    '/departments/:id',
    {
      config: { permission: 'departments.write' },
      schema: {
        tags,
        summary: 'Change a department',
        params: IdParams,
        body: PatchBody({ name: Name, code: Code }),
        response: { 200: DepartmentView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const [row] = await db
        .update(departments)
        .set(req.body)
        .where(eq(departments.id, req.params.id))
        .returning();
      if (!row) throw notFound('department', req.params.id);
      return view(row);
    },
  );

  r.delete(
    '/departments/:id',
    {
      config: { permission: 'departments.write' },
      schema: {
        tags,
        summary: 'Delete a department (refused while users, sites, docks or vehicles belong to it)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const [row] = await db
        .delete(departments)
        .where(eq(departments.id, req.params.id))
        .returning({ id: departments.id });
      if (!row) throw notFound('department', req.params.id);
      return reply.status(204).send(null);
    },
  );
}
