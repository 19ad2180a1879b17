/** Departments (部门): the units tickets are dispatched to and that officers belong to. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { departments } from '../db/schema.ts';
import { errorResponses } from '../http/errors.ts';
import { Body, created, iso, Name, resourceRoutes } from './common.ts';

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
  const department = resourceRoutes(app, ctx.database.db, {
    path: '/departments',
    table: departments,
    what: 'department',
    tags: ['departments'],
    scopeColumn: departments.id,
  });
  const { r, tags } = department;

  department.registerRead({
    permission: 'departments.read',
    listSummary: 'List departments (a department officer sees their own)',
    getSummary: 'One department',
    view: DepartmentView,
    toView: view,
    orderBy: departments.name,
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
      const row = await department.insert({
        name: req.body.name,
        code: req.body.code ?? null,
        createdAt: new Date(ctx.now()),
      });
      return created(req, reply, row.id, view(row));
    },
  );

  r.patch(
    '/departments/:id',
    department.change({
      permission: 'departments.write',
      summary: 'Change a department',
      fields: { name: Name, code: Code },
      view: DepartmentView,
    }),
    async (req) => view(await department.update(req.params.id, req.body)),
  );

  department.registerDelete({
    permission: 'departments.write',
    summary: 'Delete a department (refused while users, sites, docks or vehicles belong to it)',
  });
}
