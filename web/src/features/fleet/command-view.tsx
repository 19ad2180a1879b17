/**
 * The command view: the globe fills the page; the fleet list and alerts on the left, the
 * focused vehicle's panel on the right. Clicking a vehicle (on the globe or in the list)
 * focuses it; in go-to mode a click on the globe picks the target.
 */
import { Alert, Spin, Switch, Tag, Tooltip } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Globe } from '../../lib/globe/globe.ts';
import type { Obstacle } from '../../lib/globe/label-placement.ts';
import { BasemapPicker } from '../../lib/map/basemap-picker.tsx';
import { setFocus, startFleetModel, useFleet } from '../../live/fleet-model.ts';
import { bindTicketsToGlobe } from '../tickets/globe-tickets.ts';
import { TicketLegend } from '../tickets/ticket-legend.tsx';
import { AlertsFeed } from './alerts-feed.tsx';
import { FleetSidebar } from './fleet-sidebar.tsx';
import { bindFocusedRoute } from './focused-route.ts';
import { bindFleetToGlobe, bindPlacesToGlobe } from './globe-binding.ts';
import type { GotoTarget } from './vehicle-commands.tsx';
import { VehiclePanel } from './vehicle-panel.tsx';
import './fleet.css';

/** Where the camera starts until the sites are known (the simulated fleet's home). */
const HOME = { lat: 23.03, lon: 113.14, heightM: 12_000 };

/** Where the side panels cover the globe, in CSS pixels of the globe's canvas. */
function panelAreas(globe: HTMLElement): Obstacle[] {
  const origin = globe.getBoundingClientRect();
  const panels = globe.parentElement?.querySelectorAll('.command-left, .vehicle-panel') ?? [];
  return [...panels].map((panel) => {
    const r = panel.getBoundingClientRect();
    return {
      left: r.left - origin.left,
      top: r.top - origin.top,
      right: r.right - origin.left,
      bottom: r.bottom - origin.top,
    };
  });
}

export default function CommandView() {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const globeRef = useRef<Globe | null>(null);
  const [globeState, setGlobeState] = useState<'loading' | 'ready' | { error: string }>('loading');
  const [follow, setFollow] = useState(true);
  const followRef = useRef(follow);
  followRef.current = follow;
  const [picking, setPicking] = useState(false);
  const pickingRef = useRef(picking);
  pickingRef.current = picking;
  const [gotoTarget, setGotoTarget] = useState<GotoTarget | null>(null);
  const [softwareRenderer, setSoftwareRenderer] = useState<string | null>(null);
  const [showTickets, setShowTickets] = useState(true);
  const [ticketCount, setTicketCount] = useState<number | null>(null);
  const navigate = useNavigate();
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;
  const fleet = useFleet();
  const focused = fleet.focusedId ? fleet.byId.get(fleet.focusedId) : undefined;

  useEffect(() => {
    startFleetModel();
    let cancelled = false;
    const stops: Array<() => void> = [];
    Globe.create({ container: el.current!, home: HOME, renderOnDemand: true }).then(
      (g) => {
        if (cancelled) {
          g.destroy();
          return;
        }
        globeRef.current = g;
        setGlobeState('ready');
        if (g.quality.software) setSoftwareRenderer(g.quality.renderer);
        g.labels.setCovers(() => (el.current ? panelAreas(el.current) : []));
        stops.push(bindFleetToGlobe(g, { follow: () => followRef.current }));
        stops.push(bindFocusedRoute(g));
        stops.push(
          bindPlacesToGlobe(g, (points) => {
            if (!cancelled) g.fitPoints(points);
          }),
        );
        stops.push(bindTicketsToGlobe(g, (n) => !cancelled && setTicketCount(n)));
        stops.push(
          g.onPick((pick) => {
            if (pickingRef.current) {
              if (pick.kind === 'ground') {
                setGotoTarget({ lat: pick.lat, lon: pick.lon });
                g.places.setTarget({ lon: pick.lon, lat: pick.lat, heightM: 0 });
              }
              return;
            }
            if (pick.kind === 'vehicle') void setFocus(pick.id);
            else if (pick.kind === 'ticket')
              void navigateRef.current(`/tickets/${encodeURIComponent(pick.id)}`);
          }),
        );
      },
      (err: unknown) => {
        if (!cancelled) setGlobeState({ error: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      cancelled = true;
      for (const stop of stops) stop();
      globeRef.current?.destroy();
      globeRef.current = null;
    };
  }, []);

  // Leaving a vehicle ends picking a go-to point for it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on focus change only
  useEffect(() => {
    setPicking(false);
    setGotoTarget(null);
    globeRef.current?.places.setTarget(null);
  }, [fleet.focusedId]);

  const endPick = () => {
    setPicking(false);
    setGotoTarget(null);
    globeRef.current?.places.setTarget(null);
  };

  const onFollow = (on: boolean) => {
    setFollow(on);
    globeRef.current?.follow(on ? fleet.focusedId : null);
  };

  return (
    <div className={`command-view${picking ? ' command-view-picking' : ''}`}>
      <div ref={el} className="command-globe" data-testid="globe" />
      {globeState === 'loading' && <Spin className="command-globe-spin" tip={t('fleet.globe.loading')} />}
      {typeof globeState === 'object' && (
        <Alert
          className="command-globe-error"
          type="error"
          showIcon
          title={t('fleet.globe.failed', { message: globeState.error })}
        />
      )}
      {softwareRenderer && (
        <Tooltip title={t('fleet.globe.softwareHint', { renderer: softwareRenderer })}>
          <Tag className="command-quality" data-testid="globe-software-render">
            {t('fleet.globe.software')}
          </Tag>
        </Tooltip>
      )}
      {globeState === 'ready' && (
        <div className="command-layers" data-testid="globe-ticket-layer" data-shown={showTickets}>
          <Switch
            size="small"
            checked={showTickets}
            aria-label={t('fleet.layers.tickets')}
            data-testid="globe-ticket-toggle"
            onChange={(on) => {
              setShowTickets(on);
              globeRef.current?.tickets.setVisible(on);
            }}
          />
          <span>
            {t('fleet.layers.tickets')}
            {ticketCount !== null && <span className="command-layers-count"> {ticketCount}</span>}
          </span>
          {showTickets && <TicketLegend />}
          <BasemapPicker />
        </div>
      )}
      <div className="command-left">
        <FleetSidebar />
        <AlertsFeed />
      </div>
      {focused && (
        <VehiclePanel
          v={focused}
          follow={follow}
          onFollow={onFollow}
          picking={picking}
          gotoTarget={gotoTarget}
          onPickStart={() => {
            setGotoTarget(null);
            setPicking(true);
          }}
          onPickEnd={endPick}
        />
      )}
    </div>
  );
}
