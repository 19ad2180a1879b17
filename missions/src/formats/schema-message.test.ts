import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { schemaMessage } from './schema-message.ts';

const shape = Type.Union(
  [
    Type.Object(
      { kind: Type.Literal('circle'), r: Type.Number({ minimum: 0 }) },
      { additionalProperties: false },
    ),
    Type.Object({ kind: Type.Literal('square'), side: Type.Number() }, { additionalProperties: false }),
  ],
  {
    discriminator: 'kind',
    errorMessage: (v: unknown) => `unknown kind ${JSON.stringify((v as { kind?: unknown }).kind)}`,
  },
);
const doc = Type.Object({
  name: Type.String({ errorMessage: (v: unknown) => `must be text, got ${JSON.stringify(v) ?? 'nothing'}` }),
  shapes: Type.Array(shape),
  note: Type.Optional(Type.Union([Type.String(), Type.Null()], { errorMessage: 'must be text or null' })),
});

describe('schemaMessage', () => {
  it('is null for a value that fits', () => {
    expect(schemaMessage(doc, { name: 'a', shapes: [{ kind: 'circle', r: 1 }] })).toBeNull();
  });

  it('reports only the errors of the union member the tag names', () => {
    expect(
      schemaMessage(doc, {
        name: 'a',
        shapes: [
          { kind: 'square', side: 2 },
          { kind: 'circle', r: -1 },
        ],
      }),
    ).toBe('shapes[1].r: must be >= 0, got -1');
  });

  it('puts an unknown tag at the tag field with the union message', () => {
    expect(schemaMessage(doc, { name: 'a', shapes: [{ kind: 'blob' }] })).toBe(
      'shapes[0].kind: unknown kind "blob"',
    );
  });

  it('uses custom messages for missing fields, unknown fields and plain unions, with a prefix', () => {
    expect(schemaMessage(doc, { shapes: [] }, ['file'])).toBe('file.name: must be text, got nothing');
    expect(schemaMessage(doc, { name: 'a', shapes: [{ kind: 'circle', r: 1, x: 2 }] })).toBe(
      'shapes[0]: unknown field "x"',
    );
    expect(schemaMessage(doc, { name: 'a', shapes: [], note: 3 })).toBe('note: must be text or null');
  });
});
