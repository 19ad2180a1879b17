/**
 * Webhook signatures: HMAC-SHA256 over `${timestamp}.${body}` with the subscription's secret,
 * sent as `X-Aerie-Signature: sha256=<hex>` beside `X-Aerie-Timestamp: <unix seconds>`. The
 * receiver recomputes it over the raw body and refuses stale timestamps (replays).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fail, ok, type Result } from '@aerie/contracts';

export const SIGNATURE_HEADER = 'x-aerie-signature';
export const TIMESTAMP_HEADER = 'x-aerie-timestamp';
export const EVENT_HEADER = 'x-aerie-event';
export const DELIVERY_HEADER = 'x-aerie-delivery';

export function signPayload(secret: string, timestampS: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`;
}

/** What a receiver does: checks the timestamp is recent and the signature matches the raw body. */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowS: number,
  toleranceS = 300,
): Result<true, 'MissingHeaders' | 'StaleTimestamp' | 'BadSignature'> {
  if (!headers.timestamp || !headers.signature)
    return fail('MissingHeaders', 'timestamp or signature header missing');
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowS - ts) > toleranceS)
    return fail('StaleTimestamp', `timestamp ${headers.timestamp} is not within ${toleranceS} s of now`);
  const expected = Buffer.from(signPayload(secret, ts, body));
  const got = Buffer.from(headers.signature);
  if (got.length !== expected.length || !timingSafeEqual(got, expected))
    return fail('BadSignature', 'signature does not match the body');
  return ok(true);
}

/** Delay before attempt `attempt + 1` after `attempt` failed ones: doubling from `baseMs`, capped. */
export function backoffMs(attempt: number, baseMs = 10_000, maxMs = 3_600_000): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), maxMs);
}
