/** Today's sorties in the board's columns: planned, flying, done, failed (with the reason). */
import { StopOutlined } from '@ant-design/icons';
import { Button, Popconfirm, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { type BoardSortie, columnOf, type SortieColumn } from './board-model.ts';
import { failureText } from './failure-text.ts';

const COLUMNS: SortieColumn[] = ['planned', 'flying', 'done', 'failed'];

const CLASS_COLORS: Record<string, string> = { emergency: 'red', on_demand: 'orange' };

export function SortieColumns(p: {
  sorties: readonly BoardSortie[];
  routeName(id: string | null): string;
  dockName(id: string | null): string;
  vehicleName(id: string): string;
  time: Intl.DateTimeFormat;
  canAbort: boolean;
  onAbort(id: string): void;
}) {
  const { t } = useTranslation();
  return (
    <div className="dispatch-columns">
      {COLUMNS.map((c) => {
        const list = p.sorties.filter((s) => columnOf(s.phase, s.status) === c);
        return (
          <div key={c} className={`dispatch-column dispatch-column-${c}`} data-testid={`sortie-column-${c}`}>
            <div className="dispatch-column-head">
              {t(`dispatch.columns.${c}`)} <Tag>{list.length}</Tag>
            </div>
            {list.map((s) => (
              <SortieCard key={s.id} s={s} column={c} {...p} />
            ))}
            {list.length === 0 ? <div className="dispatch-muted">–</div> : null}
          </div>
        );
      })}
    </div>
  );
}

function SortieCard({
  s,
  column: c,
  ...p
}: { s: BoardSortie; column: SortieColumn } & Omit<Parameters<typeof SortieColumns>[0], 'sorties'>) {
  const { t } = useTranslation();
  return (
    <div
      className={`sortie-card sortie-card-${c}`}
      data-testid={`sortie-card-${s.id}`}
      data-phase={s.phase ?? s.status ?? ''}
      data-column={c}
    >
      <div className="sortie-card-top">
        <b>{p.routeName(s.routeId)}</b>
        {s.sortieClass ? (
          <Tag color={CLASS_COLORS[s.sortieClass] ?? 'blue'}>
            {t(`dispatch.classes.${s.sortieClass}`, s.sortieClass)}
          </Tag>
        ) : null}
      </div>
      {/* The phase is the status; the server's English progress note is not shown (a failure is worded below). */}
      <div className="dispatch-muted">
        {t(`dispatch.phases.${s.phase ?? 'closed'}`, s.phase ?? s.status ?? '')} · {p.time.format(s.atMs)}
      </div>
      <div className="dispatch-muted">
        {p.dockName(s.dockId)} · {p.vehicleName(s.vehicleId)}
      </div>
      {c === 'failed' && (s.failureCode || s.failureMessage) ? (
        <div
          className="sortie-card-reason"
          data-testid="sortie-failure"
          data-code={s.failureCode ?? ''}
          title={s.failureMessage ?? undefined}
        >
          {t('dispatch.reason')}
          {t('dispatch.colon')}
          {failureText(t, { code: s.failureCode, message: s.failureMessage, params: s.failureParams })}
        </div>
      ) : null}
      {(c === 'planned' || c === 'flying') && p.canAbort ? (
        <Popconfirm title={t('dispatch.abortConfirm')} onConfirm={() => p.onAbort(s.id)}>
          <Button size="small" danger icon={<StopOutlined />} className="sortie-card-abort">
            {t('dispatch.abort')}
          </Button>
        </Popconfirm>
      ) : null}
    </div>
  );
}
