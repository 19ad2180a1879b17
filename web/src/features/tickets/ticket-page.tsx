/**
 * One ticket: where it is, its evidence, the timeline of transitions (who, when, why), the
 * running clock and the actions the server says the user's role may take now. A refused
 * action shows the server's coded error in words; a stale version asks to reload.
 */
import { ArrowLeftOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Image,
  Row,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../lib/api.ts';
import { LoadError, useLoad } from '../../lib/load/index.ts';
import {
  evidenceUrl,
  getTicket,
  listDepartments,
  requestVerificationFlight,
  transitionTicket,
  uploadProof,
} from './api.ts';
import { DispatchModal } from './dispatch-modal.tsx';
import { ticketCountdown, transitionErrorKey } from './format.ts';
import { ReasonModal } from './reason-modal.tsx';
import { TicketMap } from './ticket-map.tsx';
import { CountdownText, StatusTag } from './ticket-tags.tsx';
import { REASON_REQUIRED, type TicketAction, type TicketDetail } from './types.ts';

/** A 'relocate' step's figures for the timeline, or null when its data is not one. */
function relocation(data: Record<string, unknown> | null) {
  const d = data as {
    from?: { errorM?: unknown };
    to?: { errorM?: unknown };
    movedM?: unknown;
    frames?: unknown;
  };
  if (typeof d?.from?.errorM !== 'number' || typeof d.to?.errorM !== 'number' || typeof d.movedM !== 'number')
    return null;
  return {
    fromM: d.from.errorM.toFixed(1),
    toM: d.to.errorM.toFixed(1),
    movedM: d.movedM.toFixed(1),
    frames: typeof d.frames === 'number' ? d.frames : '?',
  };
}

const DANGER: ReadonlySet<TicketAction> = new Set(['return', 'void', 'send_back', 'refuse_extension']);

export default function TicketPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const load = useLoad(() => getTicket(id), [id]);
  const departments = useLoad(() => listDepartments(), []);
  const [pending, setPending] = useState<TicketAction | null>(null);
  const [asking, setAsking] = useState<TicketAction | null>(null);
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<ApiError | Error | null>(null);
  const [uploading, setUploading] = useState(false);
  const [flying, setFlying] = useState(false);
  /** The department chosen in the dispatch dialog, while it is open. */
  const [dispatchTo, setDispatchTo] = useState<string | null>(null);
  const [dispatching, setDispatching] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  // Persons in new evidence are being blurred on the server, or a verification flight is still
  // flying (its verdict grows with every frame): look again until it is done.
  const screeningPending = load.data?.evidence.some((e) => e.screening === 'pending') ?? false;
  const flightOpen = load.data?.verificationFlights.some((v) => v.finishedAt === null) ?? false;
  const { status: loadStatus, retry: reload } = load;
  useEffect(() => {
    if (!(screeningPending || flightOpen) || loadStatus !== 'ready') return;
    const timer = setTimeout(reload, 2000);
    return () => clearTimeout(timer);
  }, [screeningPending, flightOpen, loadStatus, reload]);

  const d: TicketDetail | undefined = load.data;
  if (!d) {
    if (load.status === 'failed')
      return (
        <div className="page" style={{ padding: 24 }}>
          <LoadError id="ticket" what={t('tickets.load.ticket')} error={load.error} onRetry={load.retry} />
        </div>
      );
    return <Spin className="page-spin" />;
  }
  const tk = d.ticket;
  const deptName = (departments.data ?? []).find((x) => x.id === tk.departmentId)?.name;

  const run = async (action: TicketAction, why?: string, departmentId?: string) => {
    setPending(action);
    setFailure(null);
    try {
      await transitionTicket(tk.id, {
        action,
        version: tk.version,
        ...(why ? { reason: why } : {}),
        ...(departmentId ? { departmentId } : {}),
      });
      void message.success(t('tickets.page.done', { action: t(`tickets.action.${action}`) }));
      setAsking(null);
      setReason('');
      setDispatching(false);
      load.retry();
    } catch (e) {
      setFailure(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setPending(null);
    }
  };

  const onVerificationFlight = async () => {
    setFlying(true);
    setFailure(null);
    try {
      await requestVerificationFlight(tk.id);
      void message.success(t('tickets.verification.sent'));
      load.retry();
    } catch (e) {
      setFailure(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setFlying(false);
    }
  };

  const onAction = (action: TicketAction) => {
    if (action === 'dispatch') {
      // A returned ticket goes to a department chosen again; otherwise the routed one is offered.
      setDispatchTo(tk.status === 'returned' ? null : tk.departmentId);
      setFailure(null);
      setDispatching(true);
    } else if (REASON_REQUIRED.has(action)) {
      setReason('');
      setAsking(action);
    } else void run(action);
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true);
    setFailure(null);
    try {
      await uploadProof(tk.id, file);
      load.retry();
    } catch (e) {
      setFailure(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setUploading(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const failureText = failure
    ? failure instanceof ApiError
      ? t(transitionErrorKey(failure.code), { message: failure.message })
      : t('tickets.errors.other', { message: failure.message })
    : null;
  const stale = failure instanceof ApiError && failure.code === 'Conflict';
  const mayUpload = d.allowedActions.includes('handle') || d.allowedActions.includes('start');

  return (
    <div className="page" data-testid="ticket-page" data-status={tk.status} style={{ padding: 24 }}>
      <div style={{ marginBottom: 12 }}>
        <Link to="/tickets" data-testid="ticket-back">
          <ArrowLeftOutlined /> {t('tickets.page.back')}
        </Link>
      </div>
      <Space align="center" wrap style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="ticket-number">
          {tk.number}
        </Typography.Title>
        <StatusTag status={tk.status} />
        <Tag>{t(`tickets.category.${tk.category}`, { defaultValue: tk.category })}</Tag>
        {tk.urgent && <Tag color="red">{t('tickets.page.urgent')}</Tag>}
        <Button icon={<ReloadOutlined />} onClick={load.retry} size="small">
          {t('tickets.page.reload')}
        </Button>
      </Space>
      {load.status === 'failed' && (
        <LoadError
          compact
          id="ticket"
          what={t('tickets.load.ticket')}
          error={load.error}
          onRetry={load.retry}
        />
      )}
      {failureText && (
        <Alert
          type={stale ? 'warning' : 'error'}
          showIcon
          data-testid="ticket-action-error"
          data-code={failure instanceof ApiError ? failure.code : ''}
          style={{ marginBottom: 16 }}
          title={failureText}
          action={
            stale ? (
              <Button
                size="small"
                data-testid="ticket-reload"
                onClick={() => {
                  setFailure(null);
                  load.retry();
                }}
              >
                {t('tickets.page.reload')}
              </Button>
            ) : undefined
          }
        />
      )}
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card size="small" style={{ marginBottom: 16 }}>
            <Descriptions column={2} size="small">
              <Descriptions.Item label={t('tickets.columns.department')}>
                <span data-testid="ticket-department">
                  {deptName ?? tk.departmentId ?? t('tickets.noDepartment')}
                </span>
              </Descriptions.Item>
              <Descriptions.Item
                label={d.sla ? t(`tickets.page.phase.${d.sla.phase}`) : t('tickets.columns.deadline')}
              >
                <CountdownText
                  {...ticketCountdown(d.sla)}
                  dueAt={d.sla?.deadlineAt}
                  suffix={t('tickets.countdown.working')}
                />
              </Descriptions.Item>
              <Descriptions.Item label={t('tickets.page.location')}>
                <span data-testid="ticket-location">
                  {t('tickets.page.coordinates', {
                    lat: tk.lat.toFixed(6),
                    lon: tk.lon.toFixed(6),
                    err: Math.round(tk.errorM),
                  })}
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={t('tickets.page.occurrences')}>
                {tk.occurrenceCount}
              </Descriptions.Item>
              <Descriptions.Item label={t('tickets.columns.createdAt')}>
                {new Date(tk.createdAt).toLocaleString()}
              </Descriptions.Item>
              {tk.escalationLevel > 0 && (
                <Descriptions.Item label="">
                  <Tag color="red">{t('tickets.page.escalated', { level: tk.escalationLevel })}</Tag>
                </Descriptions.Item>
              )}
            </Descriptions>
            {tk.description && <Typography.Paragraph>{tk.description}</Typography.Paragraph>}
            <TicketMap lat={tk.lat} lon={tk.lon} errorM={tk.errorM} />
          </Card>
          <Card size="small" title={t('tickets.page.evidence')} style={{ marginBottom: 16 }}>
            {d.evidence.length === 0 ? (
              <Empty description={t('tickets.page.noEvidence')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Image.PreviewGroup>
                <Space wrap data-testid="ticket-evidence">
                  {d.evidence
                    .filter((e) => e.mime.startsWith('image/'))
                    .map((e) => (
                      <div key={e.seq} style={{ textAlign: 'center' }}>
                        {e.access === 'notice' ? (
                          // Persons not blurred yet (or not possible): no image without evidence.original.
                          <div
                            data-testid="ticket-evidence-notice"
                            data-screening={e.screening}
                            style={{
                              width: 160,
                              height: 120,
                              display: 'flex',
                              alignItems: 'center',
                              justifyContent: 'center',
                              padding: 8,
                              background: 'rgba(128,128,128,0.12)',
                            }}
                          >
                            <Typography.Text type="secondary">
                              {t(
                                e.screening === 'pending'
                                  ? 'tickets.screening.pendingNotice'
                                  : 'tickets.screening.notScreenedNotice',
                              )}
                            </Typography.Text>
                          </div>
                        ) : (
                          <Image
                            width={160}
                            height={120}
                            style={{ objectFit: 'cover' }}
                            src={evidenceUrl(tk.id, e.seq)}
                            alt={`${e.kind} ${e.seq}`}
                            data-testid="ticket-evidence-image"
                          />
                        )}
                        {e.screening === 'blurred' && (
                          <div>
                            <Tag data-testid="ticket-evidence-blurred">
                              {t(
                                e.access === 'redacted'
                                  ? 'tickets.screening.blurredShown'
                                  : 'tickets.screening.originalShown',
                              )}
                            </Tag>
                          </div>
                        )}
                        <div>
                          <Typography.Text type="secondary">
                            {t(`tickets.evidenceKind.${e.kind}`, { defaultValue: e.kind })} ·{' '}
                            {new Date(e.at).toLocaleString()}
                          </Typography.Text>
                        </div>
                      </div>
                    ))}
                </Space>
              </Image.PreviewGroup>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('tickets.page.actions')} style={{ marginBottom: 16 }}>
            <Space wrap data-testid="ticket-actions">
              {d.allowedActions.length === 0 && (
                <Typography.Text type="secondary">{t('tickets.page.noActions')}</Typography.Text>
              )}
              {d.allowedActions.map((a) => (
                <Button
                  key={a}
                  type={DANGER.has(a) ? 'default' : 'primary'}
                  danger={DANGER.has(a)}
                  loading={pending === a}
                  disabled={pending !== null}
                  data-testid={`ticket-action-${a}`}
                  onClick={() => onAction(a)}
                >
                  {t(`tickets.action.${a}`)}
                </Button>
              ))}
              {d.mayRequestVerificationFlight && (
                <Button
                  loading={flying}
                  disabled={pending !== null}
                  data-testid="ticket-verification-flight"
                  onClick={() => void onVerificationFlight()}
                >
                  {t('tickets.verification.request')}
                </Button>
              )}
              {mayUpload && (
                <>
                  <input
                    ref={fileInput}
                    type="file"
                    accept="image/jpeg,image/png,image/webp"
                    hidden
                    data-testid="ticket-proof-input"
                    onChange={(e) => void onFile(e.target.files?.[0])}
                  />
                  <Button
                    icon={<UploadOutlined />}
                    loading={uploading}
                    data-testid="ticket-proof-upload"
                    onClick={() => fileInput.current?.click()}
                  >
                    {t('tickets.page.uploadProof')}
                  </Button>
                </>
              )}
            </Space>
          </Card>
          {d.verificationFlights.length > 0 && (
            <Card size="small" title={t('tickets.verification.title')} style={{ marginBottom: 16 }}>
              <Space direction="vertical" data-testid="ticket-verification-flights">
                {d.verificationFlights.map((v) => (
                  <div key={v.sortieId} data-testid="ticket-verification" data-verdict={v.verdict}>
                    <Tag
                      color={v.verdict === 'present' ? 'red' : v.verdict === 'not_seen' ? 'green' : 'default'}
                    >
                      {t(
                        `tickets.verification.verdict.${v.verdict === 'not_seen' && (v.hits ?? 0) > 0 ? 'not_seen_lone' : v.verdict}`,
                        {
                          frames: v.frames,
                          hits: v.hits ?? 0,
                        },
                      )}
                    </Tag>
                    <Typography.Text type="secondary">
                      {new Date(v.createdAt).toLocaleString()} ·{' '}
                      {v.finishedAt ? t('tickets.verification.finished') : t('tickets.verification.flying')}
                    </Typography.Text>
                  </div>
                ))}
              </Space>
            </Card>
          )}
          <Card size="small" title={t('tickets.page.timeline')}>
            <Timeline
              data-testid="ticket-timeline"
              items={d.transitions.map((x) => ({
                key: x.id,
                content: (
                  <div data-testid="ticket-transition" data-action={x.action}>
                    <Typography.Text strong>{t(`tickets.action.${x.action}`)}</Typography.Text>{' '}
                    <Typography.Text type="secondary">
                      {t(`tickets.status.${x.fromStatus}`)} → {t(`tickets.status.${x.toStatus}`)}
                    </Typography.Text>
                    <div>
                      {t('tickets.page.actor')}:{' '}
                      <span data-testid="ticket-transition-actor">
                        {x.actorName
                          ? t('tickets.page.actorNamed', {
                              name: x.actorName,
                              role: t(`tickets.roles.${x.actorRole}`, { defaultValue: x.actorRole }),
                            })
                          : t(`tickets.roles.${x.actorRole}`, { defaultValue: x.actorRole })}
                      </span>
                      {' · '}
                      <time data-testid="ticket-transition-at" dateTime={x.at}>
                        {new Date(x.at).toLocaleString()}
                      </time>
                    </div>
                    {x.action === 'relocate' && relocation(x.data) ? (
                      <div data-testid="ticket-transition-reason">
                        {t('tickets.page.relocated', relocation(x.data)!)}
                      </div>
                    ) : (
                      x.reason && <div data-testid="ticket-transition-reason">{x.reason}</div>
                    )}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
      <DispatchModal
        open={dispatching}
        departments={departments.data ?? []}
        departmentId={dispatchTo}
        onDepartment={setDispatchTo}
        busy={pending === 'dispatch'}
        error={failureText && dispatching ? failureText : null}
        onCancel={() => setDispatching(false)}
        onOk={(dep) => void run('dispatch', undefined, dep)}
      />
      <ReasonModal
        open={asking !== null}
        title={asking ? t(`tickets.action.${asking}`) : ''}
        hint={t('tickets.page.reasonRequired')}
        placeholder={t('tickets.page.reason')}
        testId="ticket-reason"
        okTestId="ticket-reason-ok"
        reason={reason}
        onReason={setReason}
        busy={pending !== null}
        error={failureText && asking ? failureText : null}
        onCancel={() => setAsking(null)}
        onOk={(r) => asking && void run(asking, r)}
      />
    </div>
  );
}
