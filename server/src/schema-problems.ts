/**
 * What is wrong with a value a TypeBox schema refused, as readable lines (`/path: message`),
 * naming the unknown fields of an `additionalProperties: false` object. Pure.
 */
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

export function schemaProblems(schema: TSchema, value: unknown): string[] {
  return Value.Errors(schema, value).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${((e.params as { additionalProperties?: string[] }).additionalProperties ?? []).join(', ')})`
        : '';
    return `${e.instancePath || '/'}: ${e.message}${extra}`;
  });
}
