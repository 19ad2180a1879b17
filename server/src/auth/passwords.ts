/** Password hashing: argon2id with the library's defaults (m=19 MiB, t=2, p=1, OWASP's floor). */
import { hash, verify } from '@node-rs/argon2';

/** Hashes `password` with argon2id; the result is a PHC string (`$argon2id$v=19$...`). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Checks `password` against a PHC string; false for a mismatch or an unreadable hash. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/**
 * Spends the same time as a real check when the username does not exist, so response time
 * does not tell an attacker which usernames are real.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hash('aerie-no-such-user');
  await verifyPassword(await dummy, password);
  return false;
}
