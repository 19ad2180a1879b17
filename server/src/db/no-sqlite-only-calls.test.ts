/**
 * Query code runs on SQLite and PostgreSQL alike (db/client.ts), so it awaits drizzle builders
 * and never calls better-sqlite3's synchronous `.all()`, `.get()`, `.run()` on them, which the
 * PostgreSQL driver lacks (the `Db` type still shows them: it is the SQLite flavour). The maps
 * read MBTiles files, a file format, with better-sqlite3 directly: they are left out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('..', import.meta.url));
const EXEMPT = [`maps${path.sep}`];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Statements that build a drizzle query and end it with a synchronous SQLite call. */
export function sqliteOnlyCalls(text: string): string[] {
  return text
    .split(';')
    .filter(
      (st) =>
        /\.(select|selectDistinct|insert|update|delete)\(/.test(st) && /\.(all|get|run)\(\s*\)/.test(st),
    )
    .map((st) => st.trim().split('\n')[0]!);
}

describe('no SQLite-only calls in query code', () => {
  it('finds them when they are there (the check itself)', () => {
    expect(sqliteOnlyCalls('const r = db.select().from(t).where(x).get();')).toHaveLength(1);
    expect(sqliteOnlyCalls('tx.insert(t).values(v)\n  .run();')).toHaveLength(1);
    expect(sqliteOnlyCalls('const r = await db.select().from(t); store.all();')).toEqual([]);
  });

  it('has none in server/src', () => {
    const found: string[] = [];
    for (const file of sources(SRC)) {
      const rel = path.relative(SRC, file);
      if (EXEMPT.some((e) => rel.startsWith(e)) || rel.endsWith('no-sqlite-only-calls.test.ts')) continue;
      for (const st of sqliteOnlyCalls(readFileSync(file, 'utf8'))) found.push(`${rel}: ${st}`);
    }
    expect(found).toEqual([]);
  });
});
