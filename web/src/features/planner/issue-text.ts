/**
 * The validation detail of an issue in the console's language: the missions library gives its
 * figures as `params` (and fixed tokens for the words), so the detail is worded here rather than
 * shown in the library's English. An issue without params keeps the library's message.
 */
import type { Issue } from '@aerie/missions';
import type { TFunction } from 'i18next';

/** Parameters whose values are tokens to translate, not figures to show as they are. */
const WORDS = ['leg', 'zoneKind', 'end', 'vehicle'] as const;

export function issueDetail(t: TFunction, issue: Pick<Issue, 'code' | 'message' | 'params'>): string {
  const params = issue.params ?? {};
  const { variant, ...rest } = params;
  const values: Record<string, string | number> = { ...rest };
  for (const w of WORDS) if (typeof rest[w] === 'string') values[w] = t(`planner.issueWords.${w}.${rest[w]}`);
  if (typeof rest.band === 'string')
    values.band = rest.band ? t('planner.issueWords.band', { band: rest.band }) : '';
  const key = `planner.issueDetail.${issue.code}${variant ? `_${variant}` : ''}`;
  return t(key, { ...values, defaultValue: issue.message });
}

/** The one-line title of an issue: its name and its worded detail. */
export function issueTitle(t: TFunction, issue: Pick<Issue, 'code' | 'message' | 'params'>): string {
  return `${t(`planner.issueCodes.${issue.code}`)}: ${issueDetail(t, issue)}`;
}
