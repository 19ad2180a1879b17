/**
 * The triage queue (研判): findings below their category's auto-file score and citizen
 * reports, each confirmed (it becomes a ticket) or rejected with a reason (kept as a labelled
 * false positive).
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { errorText } from '../../lib/errors.ts';
import { LoadError, useLoad } from '../../lib/load/index.ts';
import { useCan } from '../auth/session.ts';
import { confirmTriage, listTriage, rejectTriage } from './api.ts';
import { ReasonModal } from './reason-modal.tsx';
import type { TriageItem } from './types.ts';

const PAGE_SIZE = 20;

export default function TriagePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const mayDecide = useCan('triage.decide');
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const load = useLoad(() => listTriage(PAGE_SIZE, (page - 1) * PAGE_SIZE), [page]);
  const [busy, setBusy] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<TriageItem | null>(null);
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<unknown>(null);

  const decide = async (item: TriageItem, how: 'confirm' | 'reject', why?: string) => {
    setBusy(item.id);
    setFailure(null);
    try {
      if (how === 'confirm') await confirmTriage(item.id);
      else await rejectTriage(item.id, why ?? '');
      void message.success(t(how === 'confirm' ? 'tickets.triage.confirmed' : 'tickets.triage.rejected'));
      setRejecting(null);
      load.retry();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  };

  const columns: ColumnsType<TriageItem> = [
    {
      key: 'category',
      title: t('tickets.columns.category'),
      render: (_, r) => t(`tickets.category.${r.category}`, { defaultValue: r.category }),
    },
    {
      key: 'score',
      title: t('tickets.triage.score'),
      align: 'right',
      render: (_, r) => (r.score === null ? '—' : r.score.toFixed(2)),
    },
    {
      key: 'source',
      title: t('tickets.triage.source'),
      render: (_, r) => t(`tickets.source.${r.source}`, { defaultValue: r.source }),
    },
    {
      key: 'location',
      title: t('tickets.page.location'),
      render: (_, r) => `${r.lat.toFixed(5)}, ${r.lon.toFixed(5)}`,
    },
    { key: 'description', title: t('tickets.triage.description'), dataIndex: 'description', ellipsis: true },
    {
      key: 'createdAt',
      title: t('tickets.columns.createdAt'),
      render: (_, r) => new Date(r.createdAt).toLocaleString(),
    },
    ...(mayDecide
      ? [
          {
            key: 'decide',
            title: '',
            render: (_: unknown, r: TriageItem) => (
              <Space>
                <Button
                  type="primary"
                  size="small"
                  loading={busy === r.id}
                  data-testid="triage-confirm"
                  onClick={() => void decide(r, 'confirm')}
                >
                  {t('tickets.triage.confirm')}
                </Button>
                <Button
                  danger
                  size="small"
                  disabled={busy === r.id}
                  data-testid="triage-reject"
                  onClick={() => {
                    setReason('');
                    setRejecting(r);
                  }}
                >
                  {t('tickets.triage.reject')}
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <div className="page" data-testid="triage-page" style={{ padding: 24 }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('tickets.triage.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('tickets.triage.subtitle')}</Typography.Paragraph>
      <Space style={{ marginBottom: 16 }}>
        <Button icon={<ReloadOutlined />} onClick={load.retry}>
          {t('common.actions.refresh')}
        </Button>
      </Space>
      {load.status === 'failed' && (
        <LoadError id="triage" what={t('tickets.load.triage')} error={load.error} onRetry={load.retry} />
      )}
      {failure !== null && !rejecting && (
        <Alert type="error" showIcon data-testid="triage-error" title={errorText(t, failure)} />
      )}
      <Table<TriageItem>
        rowKey="id"
        size="middle"
        data-testid="triage-table"
        loading={load.status === 'loading'}
        columns={columns}
        dataSource={load.status === 'failed' ? [] : (load.data?.items ?? [])}
        locale={{ emptyText: load.status === 'failed' ? ' ' : t('tickets.triage.empty') }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: load.data?.total ?? 0,
          onChange: (p) => setParams(p === 1 ? {} : { page: String(p) }, { replace: true }),
        }}
      />
      <ReasonModal
        open={rejecting !== null}
        title={t('tickets.triage.reject')}
        placeholder={t('tickets.triage.rejectReason')}
        testId="triage-reason"
        danger
        reason={reason}
        onReason={setReason}
        busy={busy !== null}
        error={failure !== null ? errorText(t, failure) : null}
        onCancel={() => setRejecting(null)}
        onOk={(r) => rejecting && void decide(rejecting, 'reject', r)}
      />
    </div>
  );
}
