/**
 * The evidence hash chain. Every evidence record names its file by SHA-256 and carries the
 * chain hash of the record before it; its own chain hash covers its sequence number, ticket,
 * kind, time, file hash and that previous hash. Changing one byte of a file changes its
 * SHA-256; changing, removing or reordering a record breaks the link to the next one. The
 * first record links to GENESIS.
 */
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

export interface ChainRecord {
  seq: number;
  ticketId: string;
  kind: string;
  at: number;
  fileSha256: string;
  prevHash: string;
  chainHash: string;
}

export function chainHash(r: Omit<ChainRecord, 'chainHash'>): string {
  return createHash('sha256')
    .update([r.prevHash, String(r.seq), r.ticketId, r.kind, String(r.at), r.fileSha256].join('\n'))
    .digest('hex');
}

/** The record that follows `prev` (null: the first). */
export function nextRecord(
  prev: Pick<ChainRecord, 'seq' | 'chainHash'> | null,
  r: Pick<ChainRecord, 'ticketId' | 'kind' | 'at' | 'fileSha256'>,
): ChainRecord {
  const base = { ...r, seq: prev ? prev.seq + 1 : 1, prevHash: prev ? prev.chainHash : GENESIS };
  return { ...base, chainHash: chainHash(base) };
}

export type ChainProblem = 'SequenceGap' | 'BrokenLink' | 'RecordChanged' | 'FileChanged' | 'FileMissing';

export type ChainVerdict =
  | { ok: true; records: number }
  | { ok: false; records: number; seq: number; problem: ChainProblem; message: string };

/**
 * Checks records in the order given (ascending seq) against `fileSha256Of`, which answers the
 * SHA-256 of the stored bytes (null: file missing). Answers the first problem found.
 */
export function verifyChain(
  records: Iterable<ChainRecord>,
  fileSha256Of: (fileSha256: string) => string | null,
): ChainVerdict {
  let prev: ChainRecord | null = null;
  let n = 0;
  for (const r of records) {
    n++;
    const bad = (problem: ChainProblem, message: string): ChainVerdict => ({
      ok: false,
      records: n,
      seq: r.seq,
      problem,
      message: `evidence record ${r.seq} (ticket ${r.ticketId}): ${message}`,
    });
    const expectedSeq = prev ? prev.seq + 1 : 1;
    if (r.seq !== expectedSeq)
      return bad('SequenceGap', `expected record ${expectedSeq} here: removed or reordered`);
    if (r.prevHash !== (prev ? prev.chainHash : GENESIS))
      return bad('BrokenLink', 'does not link to the record before it');
    if (chainHash(r) !== r.chainHash) return bad('RecordChanged', 'its fields do not match its chain hash');
    const actual = fileSha256Of(r.fileSha256);
    if (actual === null) return bad('FileMissing', `file ${r.fileSha256} is missing`);
    if (actual !== r.fileSha256) return bad('FileChanged', `file ${r.fileSha256} now hashes to ${actual}`);
    prev = r;
  }
  return { ok: true, records: n };
}
