/**
 * The state of one load from the server, pure: loading, loaded or failed, with a generation
 * number so an answer that arrives after a newer request (a retry, a changed filter) is
 * dropped instead of overwriting the newer one. A failure keeps the last good data (a reload
 * that fails does not blank a list the user is reading) but always carries the error, so the
 * page shows it; an empty list is shown only for a load that succeeded with no items.
 */

export type LoadStatus = 'loading' | 'ready' | 'failed';

export interface LoadState<T> {
  /** Increases with every request; answers for an older one are ignored. */
  gen: number;
  status: LoadStatus;
  /** The last data that loaded, kept through a reload or a failed retry; undefined before. */
  data: T | undefined;
  /** Why the latest request failed; null unless `status` is 'failed'. */
  error: unknown;
}

export function initialLoad<T>(): LoadState<T> {
  return { gen: 0, status: 'loading', data: undefined, error: null };
}

/** A new request starts: it is now the one whose answer counts. */
export function startLoad<T>(s: LoadState<T>): LoadState<T> {
  return { gen: s.gen + 1, status: 'loading', data: s.data, error: null };
}

/** The answer of request `gen`; ignored when a newer request has started since. */
export function settleLoad<T>(
  s: LoadState<T>,
  gen: number,
  answer: { ok: true; data: T } | { ok: false; error: unknown },
): LoadState<T> {
  if (gen !== s.gen) return s;
  return answer.ok
    ? { gen, status: 'ready', data: answer.data, error: null }
    : { gen, status: 'failed', data: s.data, error: answer.error };
}

/** Local changes to loaded data (a saved item added to the list); a no-op before the first load. */
export function updateLoaded<T>(s: LoadState<T>, change: (data: T) => T): LoadState<T> {
  return s.data === undefined ? s : { ...s, data: change(s.data) };
}

/** What a page shows for a list: its items only after a successful load, the error otherwise. */
export type ListView<T> =
  | { kind: 'loading' }
  | { kind: 'failed'; error: unknown; stale: readonly T[] | undefined }
  | { kind: 'empty' }
  | { kind: 'items'; items: readonly T[] };

export function listView<T>(s: LoadState<readonly T[]>): ListView<T> {
  if (s.status === 'failed') return { kind: 'failed', error: s.error, stale: s.data };
  if (s.data === undefined) return { kind: 'loading' };
  return s.data.length === 0 ? { kind: 'empty' } : { kind: 'items', items: s.data };
}
