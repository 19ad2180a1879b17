/**
 * The ticket centre's list: filters (status, category, department, overdue) and page in the
 * URL, paged by the server. A department officer opens it as their inbox: their department's
 * open tickets (the server scopes the list to their department).
 */
import { FileSearchOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { LoadError, useLoad } from '../../lib/load/index.ts';
import { useCan, useSession } from '../auth/session.ts';
import { getCalendarStatus, listDepartments, listTickets } from './api.ts';
import { ticketCountdown } from './format.ts';
import { CountdownText, StatusTag } from './ticket-tags.tsx';
import { OPEN_STATUSES, TICKET_CATEGORIES, TICKET_STATUSES, type Ticket } from './types.ts';

const PAGE_SIZES = [20, 50, 100];
/** The status filter's value for every open status at once (an officer's inbox). */
const OPEN = 'open';
/**
 * How often the page is asked for again: the countdowns are working time the server computes
 * with the calendar (the browser cannot tell a holiday from a working day), so they move by
 * reloading, not by a local clock.
 */
const REFRESH_MS = 60_000;

export default function TicketListPage() {
  const { t } = useTranslation();
  const officer = useSession((s) => s.user?.role === 'department_officer');
  const canTriage = useCan('triage.read');
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status') ?? (officer ? OPEN : '');
  const status =
    statusParam === OPEN || (TICKET_STATUSES as readonly string[]).includes(statusParam) ? statusParam : '';
  const category = params.get('category') ?? '';
  const departmentId = params.get('department') ?? '';
  const overdue = params.get('overdue') === '1';
  const pageSize = PAGE_SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 20;
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

  const update = (changes: Record<string, string | undefined>, resetPage = true) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v !== undefined) next.set(k, v);
      else next.delete(k);
    }
    if (resetPage) next.delete('page');
    setParams(next, { replace: true });
  };

  const tickets = useLoad(
    () =>
      listTickets({
        status: status === OPEN ? OPEN_STATUSES : status ? [status] : undefined,
        category: category || undefined,
        departmentId: departmentId || undefined,
        overdue: overdue || undefined,
        limit: pageSize,
        offset: (page - 1) * pageSize,
      }),
    [status, category, departmentId, overdue, page, pageSize],
  );
  const reload = tickets.retry;
  useEffect(() => {
    const id = setInterval(reload, REFRESH_MS);
    return () => clearInterval(id);
  }, [reload]);
  const departments = useLoad(() => listDepartments(), []);
  // A year with no official calendar counts every weekday as working: said, not hidden.
  const calendar = useLoad(() => getCalendarStatus(), []);
  const missingYears = calendar.data?.missingYears ?? [];
  const deptName = useMemo(
    () => new Map((departments.data ?? []).map((d) => [d.id, d.name])),
    [departments.data],
  );

  const columns: ColumnsType<Ticket> = [
    {
      key: 'number',
      title: t('tickets.columns.number'),
      render: (_, r) => (
        <Space size={4}>
          <Link to={`/tickets/${r.id}`} data-testid="ticket-link" data-number={r.number}>
            {r.number}
          </Link>
          {r.urgent && <Tag color="red">{t('tickets.page.urgent')}</Tag>}
        </Space>
      ),
    },
    {
      key: 'category',
      title: t('tickets.columns.category'),
      render: (_, r) => t(`tickets.category.${r.category}`, { defaultValue: r.category }),
    },
    { key: 'status', title: t('tickets.columns.status'), render: (_, r) => <StatusTag status={r.status} /> },
    {
      key: 'department',
      title: t('tickets.columns.department'),
      render: (_, r) =>
        r.departmentId
          ? (deptName.get(r.departmentId) ?? r.departmentId.slice(0, 8))
          : t('tickets.noDepartment'),
    },
    {
      key: 'deadline',
      title: t('tickets.columns.deadline'),
      // Working time left as of the server's answer (the same figure the ticket page shows).
      render: (_, r) => (
        <CountdownText
          {...ticketCountdown(r.sla)}
          dueAt={r.sla?.deadlineAt ?? r.dueAt}
          suffix={t('tickets.countdown.working')}
        />
      ),
    },
    {
      key: 'createdAt',
      title: t('tickets.columns.createdAt'),
      render: (_, r) => new Date(r.createdAt).toLocaleString(),
    },
  ];

  return (
    <div className="page" data-testid="ticket-list-page" style={{ padding: 24 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start">
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {officer ? t('tickets.list.inboxTitle') : t('tickets.list.title')}
        </Typography.Title>
        {canTriage && (
          <Link to="/tickets/triage" data-testid="open-triage">
            <Button icon={<FileSearchOutlined />}>{t('tickets.nav.triage')}</Button>
          </Link>
        )}
      </Space>
      <Typography.Paragraph type="secondary">
        {officer ? t('tickets.list.inboxSubtitle') : t('tickets.list.subtitle')}
      </Typography.Paragraph>
      {missingYears.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="calendar-missing"
          data-years={missingYears.join(',')}
          title={t('tickets.list.calendarMissing', { years: missingYears.join(', ') })}
        />
      )}
      <Space wrap style={{ marginBottom: 16 }} data-testid="ticket-filters">
        <Select
          style={{ minWidth: 160 }}
          data-testid="ticket-filter-status"
          aria-label={t('tickets.columns.status')}
          value={status}
          onChange={(v: string) => update({ status: v })}
          options={[
            { value: '', label: t('tickets.list.allStatuses') },
            { value: OPEN, label: t('tickets.list.open') },
            ...TICKET_STATUSES.map((s) => ({ value: s, label: t(`tickets.status.${s}`) })),
          ]}
        />
        <Select
          style={{ minWidth: 160 }}
          data-testid="ticket-filter-category"
          aria-label={t('tickets.columns.category')}
          value={category}
          onChange={(v: string) => update({ category: v || undefined })}
          options={[
            { value: '', label: t('tickets.list.allCategories') },
            ...TICKET_CATEGORIES.map((c) => ({ value: c, label: t(`tickets.category.${c}`) })),
          ]}
        />
        {!officer && (
          <Select
            style={{ minWidth: 180 }}
            data-testid="ticket-filter-department"
            aria-label={t('tickets.columns.department')}
            value={departmentId}
            onChange={(v: string) => update({ department: v || undefined })}
            options={[
              { value: '', label: t('tickets.list.allDepartments') },
              ...(departments.data ?? []).map((d) => ({ value: d.id, label: d.name })),
            ]}
          />
        )}
        <Checkbox
          checked={overdue}
          data-testid="ticket-filter-overdue"
          onChange={(e) => update({ overdue: e.target.checked ? '1' : undefined })}
        >
          {t('tickets.list.overdueOnly')}
        </Checkbox>
        <Button icon={<ReloadOutlined />} onClick={tickets.retry}>
          {t('common.actions.refresh')}
        </Button>
      </Space>
      {tickets.status === 'failed' && (
        <LoadError
          id="tickets"
          what={t('tickets.load.tickets')}
          error={tickets.error}
          onRetry={tickets.retry}
        />
      )}
      {departments.status === 'failed' && (
        <LoadError
          compact
          id="departments"
          what={t('tickets.load.departments')}
          error={departments.error}
          onRetry={departments.retry}
        />
      )}
      <Table<Ticket>
        rowKey="id"
        size="middle"
        data-testid="ticket-table"
        loading={tickets.status === 'loading'}
        columns={columns}
        dataSource={tickets.status === 'failed' ? [] : (tickets.data?.items ?? [])}
        locale={{ emptyText: tickets.status === 'failed' ? ' ' : t('tickets.list.empty') }}
        onRow={(r) => ({ 'data-testid': 'ticket-row', 'data-number': r.number }) as never}
        pagination={{
          current: page,
          pageSize,
          total: tickets.data?.total ?? 0,
          pageSizeOptions: PAGE_SIZES,
          showSizeChanger: true,
          showTotal: (count) => t('tickets.list.total', { count }),
          onChange: (p, size) =>
            update({ page: String(p), size: size === 20 ? undefined : String(size) }, size !== pageSize),
        }}
      />
    </div>
  );
}
