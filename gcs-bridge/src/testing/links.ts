/** Set-up the link tests share. */
import { afterEach } from 'vitest';
import type { Link, LinkStatus } from '../link/link.ts';

export type Cleanup = () => Promise<void> | void;

/** What to undo after each test of the calling file, last registered first. Call once, at the top. */
export function cleanupAfterEach(): Cleanup[] {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}

/** Records what a link delivers and every status it reports; the link is closed by `cleanups`. */
export function track(link: Link, cleanups: Cleanup[]): { data: Buffer[]; statuses: LinkStatus[] } {
  const data: Buffer[] = [];
  const statuses: LinkStatus[] = [];
  link.onData((b) => data.push(b));
  link.onStatus((s) => statuses.push(s));
  cleanups.push(() => link.close());
  return { data, statuses };
}
