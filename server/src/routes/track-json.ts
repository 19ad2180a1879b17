/**
 * The track replay page (`GET /api/sorties/:id/track`) written as JSON text by PostgreSQL itself.
 *
 * A one-hour replay is 3,600 points. Read row by row, the server spent about 44 ms of CPU on them
 * (the driver's text-protocol parsing, drizzle's row mapping, Date objects, the response
 * serialiser and their garbage) against 7 ms inside PostgreSQL; built here with `string_agg` the
 * same page costs PostgreSQL about 17 ms and the server under 1 ms, sent as it comes (process
 * CPU times of both, per replay of a 72,000-point table on a loaded machine; the whole request,
 * authentication included, went from 51 to about 31 ms of CPU). The text is the one the serialiser writes for the route's schema: same
 * keys in the same order, the `at` instants as `toISOString()` does, numbers as the shortest text
 * that reads back as the same double (PostgreSQL's float8 output, `extra_float_digits` >= 1; its
 * exponent form `1e-07` reads as JavaScript's `1e-7`), and NaN or infinities as null.
 * SQLite keeps the row-by-row path (routes/sorties.ts): its number text is not JavaScript's
 * (`cast`/`json_object` write 15 or 17 digits, `76.666666666666671` for `76.66666666666667`, `1.0e-07`,
 * `0.0`) and its text-to-real reading is not exact enough to pick the shortest that reads back, so a
 * byte-identical page needs several `printf` per number: 3,600 points took about 145 ms that way
 * against 40 ms read and serialised in Node (and `json_object` with its own number text, not
 * identical, about 25 ms: no gain worth a different page; one machine at load 5, in-memory table).
 */
import { and, eq, gte, lt, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import { trackPoints } from '../db/schema.ts';

/** The track points of `sortieId` in [from, to) (either end open when null). */
export function trackWindow(sortieId: string, from: Date | null, to: Date | null): SQL {
  return and(
    eq(trackPoints.sortieId, sortieId),
    from ? gte(trackPoints.at, from) : undefined,
    to ? lt(trackPoints.at, to) : undefined,
  )!;
}

/** A double column as JSON text: null for null, NaN and ±Infinity, as `JSON.stringify` writes them. */
function jsonNumber(col: SQLWrapper): SQL {
  return sql`coalesce(nullif(nullif(nullif(${col}, 'NaN'), 'Infinity'), '-Infinity')::text, 'null')`;
}

/** An epoch-milliseconds column as the JSON string `toISOString()` writes (years 0 to 9999). */
function jsonInstant(col: SQLWrapper): SQL {
  return sql`to_char((timestamptz 'epoch' + ${col} * interval '1 millisecond') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** The point fields after `at`, in the order of the route's response schema. */
const FIELDS = [
  ['latDeg', trackPoints.latDeg],
  ['lonDeg', trackPoints.lonDeg],
  ['altAmslM', trackPoints.altAmslM],
  ['altRelM', trackPoints.altRelM],
  ['headingDeg', trackPoints.headingDeg],
  ['groundSpeedMps', trackPoints.groundSpeedMps],
  ['batteryPct', trackPoints.batteryPct],
] as const;

/**
 * One statement answering `{"sortieId":…,"points":[…],"nextFrom":…}` for the points of
 * `sortieId` matching `where`, oldest first (then by id), at most `limit` of them; `nextFrom` is
 * the instant of the next point when there are more. Read through `track_points_sortie_at_idx`.
 */
export function trackPageJsonQuery(sortieId: string, where: SQL, limit: number): SQL {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`trackPageJsonQuery: limit ${limit} is not a positive integer`);
  const item = sql.join(
    [
      sql`'{"at":"' || w.iso || '"'`,
      ...FIELDS.map(
        ([key, col]) => sql`${sql.raw(`',"${key}":'`)} || ${jsonNumber(sql`w.${sql.identifier(col.name)}`)}`,
      ),
      sql`'}'`,
    ],
    sql` || `,
  );
  const columns = sql.join(
    FIELDS.map(([, col]) => col),
    sql`, `,
  );
  return sql`
    select '{"sortieId":' || to_json(${sortieId}::text)::text
      || ',"points":[' || coalesce(string_agg(p.item, ',' order by p.n) filter (where p.n <= ${limit}), '')
      || '],"nextFrom":' || coalesce(max('"' || p.iso || '"') filter (where p.n > ${limit}), 'null')
      || '}' as body
    from (
      select ${item} as item, w.iso, row_number() over (order by w.at, w.id) as n
      from (
        select ${trackPoints.at} as at, ${trackPoints.id} as id, ${jsonInstant(trackPoints.at)} as iso, ${columns}
        from ${trackPoints}
        where ${where}
        order by ${trackPoints.at}, ${trackPoints.id}
        limit ${limit + 1}
      ) w
    ) p`;
}
