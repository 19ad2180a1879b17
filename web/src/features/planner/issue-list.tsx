/** The checks' findings for the route, each one a click away from its place on the map. */
import type { LatLon } from '@aerie/missions';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { checkRoute } from './checks.ts';
import { issueDetail } from './issue-text.ts';

type Check = ReturnType<typeof checkRoute> | null;

export function IssueList({ check, onFocus }: { check: Check; onFocus(at: LatLon): void }) {
  const { t } = useTranslation();
  const errors = check?.issues.filter((i) => i.severity === 'error').length ?? 0;
  return (
    <section>
      <h4>
        {t('planner.issues.title')}{' '}
        {check ? (
          errors > 0 ? (
            <Tag color="error">{errors}</Tag>
          ) : (
            <Tag color="success">{t('planner.issues.ok')}</Tag>
          )
        ) : null}
      </h4>
      <ul className="planner-issues" data-testid="planner-issues" data-count={check?.issues.length ?? 0}>
        {check && check.issues.length === 0 ? (
          <li className="planner-muted">{t('planner.issues.none')}</li>
        ) : null}
        {check?.issues.map((i) => (
          <li
            key={`${i.code}-${i.item}-${i.message}`}
            data-testid="planner-issue"
            data-code={i.code}
            data-severity={i.severity}
            className={`planner-issue planner-issue-${i.severity}`}
            onClick={() => i.at && onFocus(i.at)}
            onKeyDown={(e) => e.key === 'Enter' && i.at && onFocus(i.at)}
          >
            <div>
              <Tag color={i.severity === 'error' ? 'error' : 'warning'}>
                {t(`planner.issues.${i.severity}`)}
              </Tag>
              <b>{t(`planner.issueCodes.${i.code}`)}</b>
              <span className="planner-muted">
                {' · '}
                {i.item === null ? t('planner.issues.route') : t('planner.issues.item', { n: i.item + 1 })}
              </span>
            </div>
            {/* The detail with its figures in a tooltip, beside the help on what to do. */}
            <div className="planner-issue-message" title={issueDetail(t, i)}>
              {t(`planner.issueHelp.${i.code}`, { defaultValue: i.message })}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
