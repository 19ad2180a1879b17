/**
 * The dispatch board: every dock with its lid, charger, parked aircraft's battery and weather
 * (live from `dock.status`), today's sorties by column (planned, flying, done, failed with the
 * reason; live from `sortie.progress`), and an on-demand sortie that pre-empts scheduled ones.
 * A list that fails to load says so, with a Retry button; "no docks" means there are none.
 */

import { RocketOutlined } from '@ant-design/icons';
import { App, Button, Empty, Spin } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/errors.ts';
import { LoadError, listView, useLoad } from '../../lib/load/index.ts';
import { useCan } from '../auth/session.ts';
import { todays } from './board-model.ts';
import { abortSortie, listDocks, listRoutes, listSorties, listVehicleNames } from './dispatch-api.ts';
import { DockCard } from './dock-card.tsx';
import { DockControls } from './dock-controls.tsx';
import { PreemptModal } from './preempt-modal.tsx';
import { SortieColumns } from './sortie-columns.tsx';
import { useDispatchLive } from './use-dispatch-live.ts';
import './dispatch.css';

export default function DispatchBoard() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const canLaunch = useCan('sorties.launch');
  const canAbort = useCan('sorties.abort');
  const docks = useLoad(listDocks, []);
  const sortieRows = useLoad(listSorties, []);
  const vehicles = useLoad(listVehicleNames, []);
  const routes = useLoad(listRoutes, []);
  const live = useDispatchLive(
    docks.data?.map((d) => d.id),
    sortieRows.data,
  );
  const [now, setNow] = useState(Date.now());
  const [preempt, setPreempt] = useState(false);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  const board = useMemo(() => todays(live.sorties, now), [live.sorties, now]);
  const vehicleNames = useMemo(
    () => new Map((vehicles.data ?? []).map((v) => [v.id, v.name])),
    [vehicles.data],
  );
  const routeName = (id: string | null) =>
    id ? (routes.data?.find((r) => r.id === id)?.name ?? id.slice(0, 8)) : '–';
  const dockName = (id: string | null) =>
    id ? (docks.data?.find((d) => d.id === id)?.name ?? id.slice(0, 8)) : '–';
  const time = new Intl.DateTimeFormat(i18n.language, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

  async function abort(id: string): Promise<void> {
    try {
      await abortSortie(id);
      message.info(t('dispatch.aborted'));
    } catch (err) {
      message.error(errorText(t, err));
    }
  }

  const dockView = listView(docks);
  const failedNames = [vehicles, routes].filter((l) => l.status === 'failed');

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
      {dockView.kind === 'failed' ? (
        <LoadError id="docks" what={t('dispatch.load.docks')} error={docks.error} onRetry={docks.retry} />
      ) : dockView.kind === 'loading' ? (
        <Spin />
      ) : dockView.kind === 'empty' ? (
        <Empty description={t('dispatch.noDocks')} data-testid="no-docks" />
      ) : (
        <div className="dispatch-docks">
          {dockView.items.map((d) => (
            <DockCard
              key={d.id}
              name={d.name}
              id={d.id}
              live={live.docks[d.id]}
              time={time}
              controls={
                <DockControls dockId={d.id} dockName={d.name} online={live.docks[d.id]?.online ?? false} />
              }
            />
          ))}
        </div>
      )}
      <h3>{t('dispatch.sorties')}</h3>
      {sortieRows.status === 'failed' ? (
        <LoadError
          id="sorties"
          what={t('dispatch.load.sorties')}
          error={sortieRows.error}
          onRetry={sortieRows.retry}
        />
      ) : null}
      {failedNames.map((l) => (
        <LoadError
          key={l === vehicles ? 'vehicles' : 'routes'}
          compact
          id={l === vehicles ? 'vehicles' : 'routes'}
          what={t(l === vehicles ? 'dispatch.load.vehicles' : 'dispatch.load.routes')}
          error={l.error}
          onRetry={l.retry}
        />
      ))}
      <SortieColumns
        sorties={board}
        routeName={routeName}
        dockName={dockName}
        vehicleName={(id) => vehicleNames.get(id) ?? id.slice(0, 8)}
        time={time}
        canAbort={canAbort}
        onAbort={(id) => void abort(id)}
      />
      <PreemptModal
        open={preempt}
        onClose={() => setPreempt(false)}
        routes={routes}
        docks={docks.data ?? []}
      />
    </div>
  );
}
