/**
 * Who a console socket is: the session from the handshake (auth.token or the session cookie),
 * checked at connect and again on request (`recheckSession`). Uses the HTTP permission matrix:
 * a console needs `vehicles.read`; its scope ('all' or 'department') limits what it is sent
 * (`visibility.ts`).
 */

import type { ConsoleAck, ConsoleErrorCode } from '@aerie/contracts';
import type { Socket } from 'socket.io';
import { decide, type Scope } from '../auth/permissions.ts';
import { SESSION_COOKIE } from '../auth/plugin.ts';
import { type AuthUser, findSessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import type { Viewer } from './visibility.ts';

/** What the namespace keeps on each socket. */
export interface ConsoleSocketData {
  user: AuthUser;
  token: string;
  scope: Scope;
}

type AnySocket = Pick<Socket, 'handshake'> & { data: Partial<ConsoleSocketData> };

/** The viewer a signed-in socket stands for. */
export function viewerOf(data: ConsoleSocketData): Viewer {
  return { scope: data.scope, departmentId: data.user.departmentId };
}

/** Token from `auth: { token }` or the session cookie of the handshake. */
export function handshakeToken(socket: Pick<Socket, 'handshake'>): string | null {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token) return auth.token;
  const header = socket.handshake.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) {
      return decodeURIComponent(part.slice(i + 1).trim()) || null;
    }
  }
  return null;
}

function refusal(code: ConsoleErrorCode, message: string): Error & { data: { code: ConsoleErrorCode } } {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * The namespace middleware: signs the socket in, or refuses it with `Unauthorized` /
 * `Forbidden` in `connect_error.data.code`. `beforeAccept` runs for an accepted socket (the
 * fan-out loads the department directory there for scoped users).
 */
export function consoleSignIn(
  db: Db,
  now: () => number,
  beforeAccept: (data: ConsoleSocketData) => Promise<void>,
): (socket: AnySocket, next: (err?: Error) => void) => void {
  return (socket, next) => {
    const token = handshakeToken(socket);
    if (!token) {
      next(refusal('Unauthorized', 'sign in first (session cookie or auth.token)'));
      return;
    }
    findSessionUser(db, token, now()).then(
      async (user) => {
        if (!user) return next(refusal('Unauthorized', 'the session is unknown or has ended; sign in again'));
        const scope = decide(user.role, 'vehicles.read');
        if (!scope) return next(refusal('Forbidden', `role ${user.role} may not vehicles.read`));
        const data: ConsoleSocketData = { user, token, scope };
        await beforeAccept(data);
        socket.data = data;
        next();
      },
      (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
    );
  };
}

/** What a session lookup says: its user and scope now, or why the socket must go. */
export type SessionCheck =
  | { ok: true; user: ConsoleSocketData['user']; scope: ConsoleSocketData['scope'] }
  | Extract<ConsoleAck, { ok: false }>;

/** Looks a console session up again: its user (role and department as they are now) and scope. */
export async function lookupSession(db: Db, now: () => number, token: string): Promise<SessionCheck> {
  const user = await findSessionUser(db, token, now());
  if (!user) {
    return { ok: false, error: { code: 'Unauthorized', message: 'the session has ended; sign in again' } };
  }
  const scope = decide(user.role, 'vehicles.read');
  if (!scope) {
    return { ok: false, error: { code: 'Forbidden', message: `role ${user.role} may not vehicles.read` } };
  }
  return { ok: true, user, scope };
}

/** Puts a lookup's user and scope on the socket; the refusal when there is none. */
export function applySession(data: ConsoleSocketData, check: SessionCheck): ConsoleAck {
  if (!check.ok) return check;
  data.user = check.user;
  data.scope = check.scope;
  return { ok: true };
}

/**
 * Checks the socket's session again and refreshes its role and department; the caller
 * disconnects the socket when this refuses (after answering, so the client learns why).
 */
export async function recheckSession(
  db: Db,
  now: () => number,
  data: ConsoleSocketData,
): Promise<ConsoleAck> {
  return applySession(data, await lookupSession(db, now, data.token));
}
