/**
 * The first administrator. There is no default password: on a fresh database the user `admin`
 * gets the configured password or, without one, a random password that is handed to
 * `announce` (the console) exactly once. It is never passed to the logger. Once any user
 * exists this does nothing, so a restart neither prints nor changes anything.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { count } from 'drizzle-orm';
import { hashPassword } from './auth/passwords.ts';
import type { Db } from './db/client.ts';
import { users } from './db/schema.ts';

export const FIRST_ADMIN_USERNAME = 'admin';

export type AdminBootstrap = 'existing-users' | 'configured-password' | 'random-password';

export async function ensureFirstAdmin(
  db: Db,
  opts: { password: string | undefined; now: number; announce: (text: string) => void },
): Promise<AdminBootstrap> {
  const [row] = await db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0) return 'existing-users';
  const password = opts.password ?? randomBytes(18).toString('base64url');
  await db.insert(users).values({
    id: randomUUID(),
    username: FIRST_ADMIN_USERNAME,
    displayName: '系统管理员',
    role: 'administrator',
    departmentId: null,
    passwordHash: await hashPassword(password),
    createdAt: new Date(opts.now),
  });
  if (opts.password) return 'configured-password';
  opts.announce(
    [
      '',
      `Aerie: created the first administrator "${FIRST_ADMIN_USERNAME}" with password: ${password}`,
      'Write it down now: it is shown only this once. Set AERIE_ADMIN_PASSWORD to choose it yourself.',
      '',
    ].join('\n'),
  );
  return 'random-password';
}
