/**
 * Filing decision for a finding: categories that do not become tickets are ignored; at or
 * above the category's auto-file score the finding is filed; between the triage minimum and
 * that it waits in the triage queue for a person (AI pre-screen, human review); below the
 * minimum it is dropped as noise.
 */
import { type CategoryPolicy, isTicketCategory, type TicketCategory } from './policy.ts';

export type FilingDecision =
  | { kind: 'file'; category: TicketCategory }
  | { kind: 'triage'; category: TicketCategory }
  | { kind: 'ignore'; reason: 'NotTicketable' | 'BelowTriage' };

export function filingDecision(
  finding: { category: string; score: number },
  policies: Record<TicketCategory, Pick<CategoryPolicy, 'autoFileScore' | 'triageMinScore'>>,
): FilingDecision {
  if (!isTicketCategory(finding.category)) return { kind: 'ignore', reason: 'NotTicketable' };
  const p = policies[finding.category];
  if (finding.score >= p.autoFileScore) return { kind: 'file', category: finding.category };
  if (finding.score >= p.triageMinScore) return { kind: 'triage', category: finding.category };
  return { kind: 'ignore', reason: 'BelowTriage' };
}
