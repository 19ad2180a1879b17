/**
 * Serves a media-store object over HTTP, streamed from the store (local folder or S3), with its
 * media type, length and, where a route offers them, Range requests: one satisfiable range
 * answers 206 with Content-Range, an unsatisfiable one 416, anything else (no header, a
 * malformed one, several ranges) the whole object with 200.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import rangeParser from 'range-parser';
import type { MediaRange, MediaStore } from './store.ts';

/** Which part of an object of `size` bytes a Range header asks for (pure, unit-tested). */
export function rangeOf(header: string | undefined, size: number): MediaRange | 'unsatisfiable' | null {
  if (!header) return null;
  const parsed = rangeParser(size, header, { combine: true });
  if (parsed === -1) return 'unsatisfiable';
  if (parsed === -2 || parsed.type !== 'bytes' || parsed.length !== 1) return null;
  const { start, end } = parsed[0]!;
  return { start, end };
}

/**
 * Sends the object `key` with `mime`; answers false when the store has no such object (the
 * caller then answers its own 404). `ranges`: honour Range headers.
 */
export async function sendMedia(
  req: FastifyRequest,
  reply: FastifyReply,
  store: MediaStore,
  key: string,
  mime: string,
  opts: { ranges?: boolean } = {},
): Promise<boolean> {
  let range: MediaRange | null = null;
  if (opts.ranges) {
    reply.header('accept-ranges', 'bytes');
    const header = req.headers.range;
    if (header) {
      const info = await store.head(key);
      if (!info) return false;
      const wanted = rangeOf(header, info.bytes);
      if (wanted === 'unsatisfiable') {
        // No body: the route's error schema is for coded errors, and this one has its header.
        reply.code(416).header('content-range', `bytes */${info.bytes}`).type('text/plain');
        await reply.send('');
        return true;
      }
      range = wanted;
    }
  }
  const read = await store.get(key, range ?? undefined);
  if (!read) return false;
  reply.type(mime);
  if (read.range) {
    reply
      .code(206)
      .header('content-range', `bytes ${read.range.start}-${read.range.end}/${read.info.bytes}`)
      .header('content-length', String(read.range.end - read.range.start + 1));
  } else reply.header('content-length', String(read.info.bytes));
  // A stream is sent as is; the routes' schemas only document it.
  await reply.send(read.body);
  return true;
}
