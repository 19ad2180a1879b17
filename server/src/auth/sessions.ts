/** Sessions kept in the database; the client holds the token, the table holds its hash. */
import { randomUUID } from 'node:crypto';
import { and, eq, gt, lte } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { type Role, sessions, users } from '../db/schema.ts';
import { hashToken, newToken } from './tokens.ts';

/** The user behind an authenticated request. */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  sessionId: string;
}

/** Creates a session for `userId` and returns its token (shown to the client once). */
export async function createSession(
  db: Db,
  userId: string,
  opts: { ttlMs: number; now: number; ip: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken('ses');
  const expiresAt = new Date(opts.now + opts.ttlMs);
  await db.insert(sessions).values({
    id: randomUUID(),
    tokenHash: hashToken(token),
    userId,
    createdAt: new Date(opts.now),
    expiresAt,
    ip: opts.ip,
  });
  // Expired sessions are dropped as new ones are made, so the table does not grow forever.
  await db.delete(sessions).where(lte(sessions.expiresAt, new Date(opts.now)));
  return { token, expiresAt };
}

/** The user of a live session for `token`, or null (unknown, expired, or user disabled). */
export async function findSessionUser(db: Db, token: string, now: number): Promise<AuthUser | null> {
  const rows = await db
    .select({
      sessionId: sessions.id,
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      departmentId: users.departmentId,
      disabled: users.disabled,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, new Date(now))))
    .limit(1);
  const row = rows[0];
  if (!row || row.disabled) return null;
  const { disabled: _disabled, ...user } = row;
  return user;
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user (password change, disabling, deletion). */
export async function deleteUserSessions(db: Db, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}
