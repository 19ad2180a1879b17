/**
 * Opaque secrets (session tokens, bridge tokens). They carry 256 random bits, so a single
 * SHA-256 is enough to store them safely: a slow hash only matters for guessable secrets
 * such as passwords. Storing the hash means a stolen database does not hand out sessions.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A new random token, URL-safe, with a readable prefix saying what it is for. */
export function newToken(prefix: 'ses' | 'brg'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
