/**
 * One register as a table with New and Edit for roles that may write it; a failed load says so
 * with Retry. A new bridge's token is shown once, as the server answers it only then.
 */
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Empty, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { LoadError, listView } from '../../lib/load/index.ts';
import { useCan } from '../auth/session.ts';
import { type EntitySpec, type FormValue, formBody } from './entities.ts';
import { EntityForm } from './entity-form.tsx';
import { type Row, useRefNames, useRegister } from './use-register.ts';

export function EntityTable({ spec }: { spec: EntitySpec }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const canWrite = useCan(spec.write);
  const rows = useRegister(spec);
  const refs = useRefNames(spec);
  const [editing, setEditing] = useState<Row | null | 'new'>(null);
  const [busy, setBusy] = useState(false);

  const refName = useMemo(() => {
    const m = new Map<string, string>();
    for (const list of Object.values(refs.data ?? {})) for (const r of list ?? []) m.set(r.id, r.name);
    return m;
  }, [refs.data]);

  const columns = useMemo<ColumnsType<Row>>(
    () => [
      ...spec.fields
        .filter((f) => f.column)
        .map((f) => ({
          key: f.key,
          title: t(`admin.fields.${f.key}`),
          render: (_: unknown, r: Row) => {
            const v = r[f.key];
            if (v === null || v === undefined || v === '') return <span className="admin-muted">—</span>;
            if (f.kind === 'ref') return refName.get(String(v)) ?? String(v).slice(0, 8);
            if (f.kind === 'role') return t(`common.roles.${String(v)}`);
            if (f.kind === 'boolean') return v ? <Tag color="red">{t('admin.yes')}</Tag> : t('admin.no');
            return String(v);
          },
        })),
      ...(canWrite
        ? [
            {
              key: 'actions',
              title: '',
              width: 90,
              render: (_: unknown, r: Row) => (
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  data-testid={`admin-edit-${r.id}`}
                  onClick={() => setEditing(r)}
                >
                  {t('admin.edit')}
                </Button>
              ),
            },
          ]
        : []),
    ],
    [spec, t, refName, canWrite],
  );

  async function submit(values: Record<string, FormValue>): Promise<void> {
    const record = editing === 'new' ? null : editing;
    const body = formBody(spec, values, record);
    setBusy(true);
    try {
      if (record) {
        if (Object.keys(body).length > 0) await api.patch(`${spec.path}/${record.id}`, body);
      } else {
        const created = await api.post<{ token?: string }>(spec.path, body);
        if (spec.kind === 'bridges' && created.token)
          modal.info({
            title: t('admin.bridgeToken.title'),
            content: (
              <div>
                <p>{t('admin.bridgeToken.body')}</p>
                <Typography.Text code copyable data-testid="bridge-token">
                  {created.token}
                </Typography.Text>
              </div>
            ),
          });
      }
      message.success(t('admin.saved'));
      setEditing(null);
      rows.retry();
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  const view = listView(rows);
  return (
    <div
      className="admin-register"
      data-testid={`admin-register-${spec.kind}`}
      data-count={rows.data?.length ?? ''}
    >
      <div className="admin-register-head">
        {canWrite ? (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            data-testid="admin-new"
            onClick={() => setEditing('new')}
          >
            {t('admin.create', { what: t(`admin.kinds.${spec.kind}`) })}
          </Button>
        ) : (
          <span className="admin-muted" data-testid="admin-read-only">
            {t('admin.readOnly')}
          </span>
        )}
      </div>
      {view.kind === 'failed' ? (
        <LoadError
          id={spec.kind}
          what={t(`admin.lists.${spec.kind}`)}
          error={rows.error}
          onRetry={rows.retry}
        />
      ) : refs.status === 'failed' ? (
        <LoadError compact id="refs" what={t('admin.lists.refs')} error={refs.error} onRetry={refs.retry} />
      ) : null}
      {view.kind !== 'failed' && (
        <Table<Row>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={view.kind === 'items' ? [...view.items] : []}
          loading={view.kind === 'loading'}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description={t('admin.empty')} /> }}
          onRow={(r) => ({ 'data-testid': `admin-row-${r.id}` }) as never}
        />
      )}
      <EntityForm
        spec={spec}
        record={editing === 'new' ? null : editing}
        open={editing !== null}
        busy={busy}
        refs={refs.data ?? {}}
        onSubmit={(v) => void submit(v)}
        onCancel={() => setEditing(null)}
      />
    </div>
  );
}
