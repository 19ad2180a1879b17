/**
 * The dispatch board: every dock with its lid, charger, parked aircraft's battery and weather
 * (live from `dock.status`), today's sorties by column (planned, flying, done, failed with the
 * reason; live from `sortie.progress`), and an on-demand sortie that pre-empts scheduled ones.
 */

import type { ConsoleDockStatus } from '@aerie/contracts';
import { RocketOutlined, StopOutlined } from '@ant-design/icons';
import { App, Button, Empty, Form, Modal, Popconfirm, Radio, Select, Spin, Tag, Tooltip } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../lib/api.ts';
import { errorText } from '../../lib/errors.ts';
import { onConsole } from '../../live/console-socket.ts';
import { useCan } from '../auth/session.ts';
import {
  applyProgress,
  type BoardSortie,
  columnOf,
  type DockLiveStatus,
  dockReadiness,
  type SortieColumn,
  type SortieProgressEvent,
  todays,
} from './board-model.ts';
import './dispatch.css';

interface DockRecord {
  id: string;
  name: string;
}
interface Named {
  id: string;
  name: string;
}
interface SortieRow {
  id: string;
  vehicleId: string;
  dockId: string | null;
  routeId?: string | null;
  scheduleId?: string | null;
  sortieClass?: string | null;
  phase?: string | null;
  status?: string | null;
  failureCode?: string | null;
  failureMessage?: string | null;
  endReason?: string | null;
  dueAt?: string | null;
  startedAt?: string | null;
  createdAt: string;
}

type DockLive = Pick<ConsoleDockStatus, 'dockId' | 'online' | 'updatedAtMs'> & {
  status: DockLiveStatus | null;
};

function boardSortie(r: SortieRow): BoardSortie {
  const at = r.dueAt ?? r.startedAt ?? r.createdAt;
  return {
    id: r.id,
    vehicleId: r.vehicleId,
    dockId: r.dockId,
    routeId: r.routeId ?? null,
    scheduleId: r.scheduleId ?? null,
    sortieClass: r.sortieClass ?? null,
    phase: r.phase ?? null,
    status: r.status ?? null,
    failureCode: r.failureCode ?? null,
    failureMessage: r.failureMessage ?? r.endReason ?? null,
    message: null,
    atMs: Date.parse(at),
  };
}

const COLUMNS: SortieColumn[] = ['planned', 'flying', 'done', 'failed'];

export default function DispatchBoard() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const canLaunch = useCan('sorties.launch');
  const canAbort = useCan('sorties.abort');
  const [docks, setDocks] = useState<DockRecord[] | null>(null);
  const [live, setLive] = useState<Record<string, DockLive>>({});
  const [sorties, setSorties] = useState<BoardSortie[]>([]);
  const [vehicles, setVehicles] = useState<Record<string, string>>({});
  const [routes, setRoutes] = useState<Named[]>([]);
  const [now, setNow] = useState(Date.now());
  const [preempt, setPreempt] = useState(false);

  useEffect(() => {
    let gone = false;
    api
      .get<Page<DockRecord>>('/api/docks', { limit: 500 })
      .then(async (p) => {
        if (gone) return;
        setDocks(p.items);
        const statuses = await Promise.all(
          p.items.map((d) => api.get<DockLive>(`/api/docks/${d.id}/status`).catch(() => null)),
        );
        if (gone) return;
        setLive((cur) => {
          const out = { ...cur };
          for (const s of statuses) if (s && !out[s.dockId]) out[s.dockId] = s;
          return out;
        });
      })
      .catch(() => setDocks([]));
    api
      .get<Page<SortieRow>>('/api/sorties', { limit: 200 })
      .then((p) => !gone && setSorties((cur) => mergeRows(cur, p.items.map(boardSortie))))
      .catch(() => undefined);
    api
      .get<Page<Named>>('/api/vehicles', { limit: 500 })
      .then((p) => !gone && setVehicles(Object.fromEntries(p.items.map((v) => [v.id, v.name]))))
      .catch(() => undefined);
    api
      .get<Page<Named>>('/api/routes', { limit: 500 })
      .then((p) => !gone && setRoutes(p.items))
      .catch(() => undefined);
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => {
      gone = true;
      clearInterval(timer);
    };
  }, []);

  useEffect(() => {
    const handlers: (() => void)[] = [];
    const off = onConsole((s) => {
      const onDock = (items: ConsoleDockStatus[]) =>
        setLive((cur) => {
          const out = { ...cur };
          for (const d of items) out[d.dockId] = d as DockLive;
          return out;
        });
      const onProgress = (p: SortieProgressEvent) => setSorties((cur) => applyProgress(cur, p));
      s.on('dock.status', onDock);
      s.on('sortie.progress', onProgress);
      handlers.push(() => {
        s.off('dock.status', onDock);
        s.off('sortie.progress', onProgress);
      });
    });
    return () => {
      off();
      for (const h of handlers) h();
    };
  }, []);

  const board = useMemo(() => todays(sorties, now), [sorties, now]);
  const routeName = (id: string | null) =>
    id ? (routes.find((r) => r.id === id)?.name ?? id.slice(0, 8)) : '–';
  const dockName = (id: string | null) =>
    id ? (docks?.find((d) => d.id === id)?.name ?? id.slice(0, 8)) : '–';
  const time = new Intl.DateTimeFormat(i18n.language, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

  async function abort(id: string): Promise<void> {
    try {
      await api.post(`/api/sorties/${id}/abort`);
      message.info(t('dispatch.aborted'));
    } catch (err) {
      message.error(errorText(t, err));
    }
  }

  return (
    <div className="dispatch page" data-testid="dispatch-board">
      <div className="dispatch-head">
        <h2>{t('dispatch.title')}</h2>
        <Button
          type="primary"
          danger
          icon={<RocketOutlined />}
          data-testid="preempt-open"
          disabled={!canLaunch}
          onClick={() => setPreempt(true)}
        >
          {t('dispatch.preempt.button')}
        </Button>
      </div>
      <h3>{t('dispatch.docks')}</h3>
      {docks === null ? (
        <Spin />
      ) : docks.length === 0 ? (
        <Empty description={t('dispatch.noDocks')} />
      ) : (
        <div className="dispatch-docks">
          {docks.map((d) => (
            <DockCard key={d.id} name={d.name} id={d.id} live={live[d.id]} time={time} />
          ))}
        </div>
      )}
      <h3>{t('dispatch.sorties')}</h3>
      <div className="dispatch-columns">
        {COLUMNS.map((c) => {
          const list = board.filter((s) => columnOf(s.phase, s.status) === c);
          return (
            <div
              key={c}
              className={`dispatch-column dispatch-column-${c}`}
              data-testid={`sortie-column-${c}`}
            >
              <div className="dispatch-column-head">
                {t(`dispatch.columns.${c}`)} <Tag>{list.length}</Tag>
              </div>
              {list.map((s) => (
                <div
                  key={s.id}
                  className={`sortie-card sortie-card-${c}`}
                  data-testid={`sortie-card-${s.id}`}
                  data-phase={s.phase ?? s.status ?? ''}
                  data-column={c}
                >
                  <div className="sortie-card-top">
                    <b>{routeName(s.routeId)}</b>
                    {s.sortieClass ? (
                      <Tag
                        color={
                          s.sortieClass === 'emergency'
                            ? 'red'
                            : s.sortieClass === 'on_demand'
                              ? 'orange'
                              : 'blue'
                        }
                      >
                        {t(`dispatch.classes.${s.sortieClass}`, s.sortieClass)}
                      </Tag>
                    ) : null}
                  </div>
                  <div className="dispatch-muted">
                    {t(`dispatch.phases.${s.phase ?? 'closed'}`, s.phase ?? s.status ?? '')} ·{' '}
                    {time.format(s.atMs)}
                  </div>
                  <div className="dispatch-muted">
                    {dockName(s.dockId)} · {vehicles[s.vehicleId] ?? s.vehicleId.slice(0, 8)}
                  </div>
                  {c === 'failed' && (s.failureCode || s.failureMessage) ? (
                    <div
                      className="sortie-card-reason"
                      data-testid="sortie-failure"
                      data-code={s.failureCode ?? ''}
                    >
                      {t('dispatch.reason')}: {s.failureCode ? `${s.failureCode} – ` : ''}
                      {s.failureMessage}
                    </div>
                  ) : s.message ? (
                    <div className="dispatch-muted">{s.message}</div>
                  ) : null}
                  {(c === 'planned' || c === 'flying') && canAbort ? (
                    <Popconfirm title={t('dispatch.abortConfirm')} onConfirm={() => void abort(s.id)}>
                      <Button size="small" danger icon={<StopOutlined />} className="sortie-card-abort">
                        {t('dispatch.abort')}
                      </Button>
                    </Popconfirm>
                  ) : null}
                </div>
              ))}
              {list.length === 0 ? <div className="dispatch-muted">–</div> : null}
            </div>
          );
        })}
      </div>
      <PreemptModal open={preempt} onClose={() => setPreempt(false)} routes={routes} docks={docks ?? []} />
    </div>
  );
}

function mergeRows(cur: BoardSortie[], rows: BoardSortie[]): BoardSortie[] {
  // Socket updates that arrived before the list keep their newer phase.
  const seen = new Map(cur.map((s) => [s.id, s]));
  const out = rows.map((r) => {
    const live = seen.get(r.id);
    return live
      ? { ...r, phase: live.phase, message: live.message, failureCode: live.failureCode ?? r.failureCode }
      : r;
  });
  for (const s of cur) if (!rows.some((r) => r.id === s.id)) out.push(s);
  return out;
}

function DockCard({
  id,
  name,
  live,
  time,
}: {
  id: string;
  name: string;
  live: DockLive | undefined;
  time: Intl.DateTimeFormat;
}) {
  const { t } = useTranslation();
  const s = live?.status ?? null;
  const readiness = dockReadiness(live?.online ?? false, s);
  const color = {
    ready: 'green',
    charging: 'blue',
    busy: 'gold',
    fault: 'red',
    grounded: 'volcano',
    offline: 'default',
    unknown: 'default',
  }[readiness];
  return (
    <div
      className={`dock-card dock-card-${readiness}`}
      data-testid={`dock-card-${id}`}
      data-state={live?.online ? (s?.state ?? 'unknown') : 'offline'}
      data-lid={s?.lid ?? 'unknown'}
      data-charger={s?.charger ?? 'unknown'}
      data-readiness={readiness}
    >
      <div className="dock-card-top">
        <b>{name}</b>
        <Tag color={color}>{t(`dispatch.readiness.${readiness}`)}</Tag>
      </div>
      {s ? (
        <>
          <div className="dispatch-muted">{t(`dispatch.dockStates.${s.state}`, s.state)}</div>
          <div className="dock-card-grid">
            <span>{t('dispatch.lid.label')}</span>
            <span className={s.lid === 'jammed' ? 'dispatch-bad' : ''}>
              {t(`dispatch.lid.${s.lid}`, s.lid)}
            </span>
            <span>{t('dispatch.charger.label')}</span>
            <span className={s.charger === 'fault' ? 'dispatch-bad' : ''}>
              {t(`dispatch.charger.${s.charger}`, s.charger)}
            </span>
            <span>{t('dispatch.battery')}</span>
            <span data-testid={`dock-battery-${id}`}>
              {s.aircraftParked && s.aircraftBatteryPct !== null
                ? `${Math.round(s.aircraftBatteryPct)}%`
                : t('dispatch.noAircraft')}
            </span>
            <span>{t('dispatch.wind')}</span>
            <span>
              {s.windSpeedMps.toFixed(1)} m/s ({t('dispatch.gust')} {s.windGustMps.toFixed(1)})
            </span>
            <span>{t('dispatch.rain')}</span>
            <span>{s.rainMmPerH.toFixed(1)} mm/h</span>
            <span>{t('dispatch.temperature')}</span>
            <span>{s.temperatureC.toFixed(0)} °C</span>
          </div>
          {s.faults.length > 0 ? (
            <div className="dispatch-bad">
              {s.faults.map((f) => (
                <Tag key={f} color="red">
                  {f}
                </Tag>
              ))}
            </div>
          ) : null}
          {live?.updatedAtMs ? (
            <Tooltip title={new Date(live.updatedAtMs).toISOString()}>
              <div className="dispatch-muted dock-card-time">
                {t('dispatch.lastHeard', { time: time.format(live.updatedAtMs) })}
              </div>
            </Tooltip>
          ) : null}
        </>
      ) : (
        <div className="dispatch-muted">{t(`dispatch.readiness.${readiness}`)}</div>
      )}
    </div>
  );
}

function PreemptModal(props: { open: boolean; onClose: () => void; routes: Named[]; docks: DockRecord[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [routeId, setRouteId] = useState<string | null>(null);
  const [dockId, setDockId] = useState<string>('');
  const [cls, setCls] = useState<'on_demand' | 'emergency'>('on_demand');
  const [busy, setBusy] = useState(false);

  async function submit(): Promise<void> {
    if (!routeId) return;
    setBusy(true);
    try {
      await api.post('/api/sorties', {
        routeId,
        sortieClass: cls,
        priority: cls === 'emergency' ? 100 : 80,
        ...(dockId ? { dockIds: [dockId] } : {}),
      });
      message.success(t('dispatch.preempt.launched'));
      props.onClose();
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={props.open}
      title={t('dispatch.preempt.title')}
      onCancel={props.onClose}
      onOk={() => void submit()}
      okText={t('dispatch.preempt.submit')}
      okButtonProps={{ disabled: !routeId, loading: busy, danger: true, id: 'preempt-submit' }}
    >
      <Form layout="vertical">
        <Form.Item label={t('dispatch.preempt.route')}>
          <Select
            data-testid="preempt-route"
            value={routeId ?? undefined}
            placeholder={t('dispatch.preempt.routePlaceholder')}
            onChange={setRouteId}
            options={props.routes.map((r) => ({ value: r.id, label: r.name }))}
            showSearch={{ optionFilterProp: 'label' }}
          />
        </Form.Item>
        <Form.Item label={t('dispatch.preempt.dock')}>
          <Select
            value={dockId}
            onChange={setDockId}
            options={[
              { value: '', label: t('dispatch.preempt.anyDock') },
              ...props.docks.map((d) => ({ value: d.id, label: d.name })),
            ]}
          />
        </Form.Item>
        <Form.Item label={t('dispatch.preempt.class')}>
          <Radio.Group
            value={cls}
            onChange={(e) => setCls(e.target.value as 'on_demand' | 'emergency')}
            options={(['on_demand', 'emergency'] as const).map((c) => ({
              value: c,
              label: t(`dispatch.classes.${c}`),
            }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
