/**
 * The console's HTTP client: same-origin JSON with the session cookie. Every failure becomes an
 * `ApiError` carrying the server's error code and message (or `Unreachable` when the server
 * could not be reached), so pages can show what went wrong in the user's language.
 */

import type { ApiErrorBody } from '@aerie/contracts';

export type { ApiErrorBody, Page } from '@aerie/contracts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    /** The server's figures for a translated message (`detail` names the failure within its code). */
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The `ApiError` of a failed response, from its parsed JSON body (or none). */
export function apiErrorFrom(status: number, statusText: string, json: unknown): ApiError {
  const err = (json as { error?: Partial<ApiErrorBody> } | null | undefined)?.error;
  return new ApiError(
    status,
    err?.code ?? `Http${status}`,
    err?.message ?? statusText,
    err?.path,
    err?.params,
  );
}

type Query = Record<string, string | number | boolean | undefined | null>;

const unauthorizedListeners = new Set<() => void>();

/** Called whenever the server answers 401 (the session ended): the app returns to login. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  let res: Response;
  try {
    res = await fetch(withQuery(path, query), {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'Unreachable', 'the server cannot be reached');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    if (res.status === 401 && !path.endsWith('/auth/login')) for (const l of unauthorizedListeners) l();
    throw apiErrorFrom(res.status, res.statusText, json);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};
