/**
 * What the web console draws its globe with: the configured imagery (XYZ or WMTS tiles, in
 * WGS-84 or GCJ-02) and terrain server. Every signed-in user needs it to show the command view,
 * so it asks only for a session.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { errorResponses } from '../http/errors.ts';

const ConsoleSettingsView = Type.Object({
  imagery: Type.Object({
    type: Type.Union([Type.Literal('none'), Type.Literal('xyz'), Type.Literal('wmts')]),
    url: Type.String(),
    layer: Type.Optional(Type.String()),
    crs: Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')]),
    maxZoom: Type.Optional(Type.Integer()),
  }),
  terrainUrl: Type.Union([Type.String(), Type.Null()]),
});

export function registerConsoleSettingsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/console/settings',
    {
      config: { permission: 'session.self' },
      schema: {
        tags: ['console'],
        summary: "The console's globe imagery and terrain servers",
        response: { 200: ConsoleSettingsView, ...errorResponses(401) },
      },
    },
    async () => ctx.config.console,
  );
}
