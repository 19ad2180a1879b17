/**
 * The console's pages: one entry each, with the navigation label, the permission that shows
 * it and the page component (loaded lazily so the globe's large bundle loads only where it
 * is used). A feature adds its pages here.
 */
import {
  AuditOutlined,
  BarChartOutlined,
  GlobalOutlined,
  HistoryOutlined,
  NodeIndexOutlined,
  ScheduleOutlined,
  SettingOutlined,
  VideoCameraOutlined,
} from '@ant-design/icons';
import { lazy, type ReactNode } from 'react';
import { OfficerHome } from '../features/tickets/officer-home.tsx';

export interface PageEntry {
  /** Route path under the shell (no leading slash for nested routes; '' is the index). */
  path: string;
  /** Shown in the navigation when set (an i18n key); detail pages leave it out. */
  navKey?: string;
  icon?: ReactNode;
  /** Permission the user's role must hold to see the page. */
  permission: string;
  element: ReactNode;
}

const CommandView = lazy(() => import('../features/fleet/command-view.tsx'));
const SortieListPage = lazy(() => import('../features/flightlogs/sortie-list-page.tsx'));
const SortieReplayPage = lazy(() => import('../features/flightlogs/sortie-replay-page.tsx'));
const StatsPage = lazy(() => import('../features/stats/stats-page.tsx'));
const SortieReportPage = lazy(() => import('../features/flightlogs/sortie-report-page.tsx'));
const Planner = lazy(() => import('../features/planner/planner-page.tsx'));
const DispatchBoard = lazy(() => import('../features/dispatch/dispatch-board.tsx'));
const AdminPage = lazy(() => import('../features/admin/admin-page.tsx'));
const VideoWall = lazy(() => import('../features/video/video-wall-page.tsx'));
const TicketListPage = lazy(() => import('../features/tickets/ticket-list-page.tsx'));
const TicketPage = lazy(() => import('../features/tickets/ticket-page.tsx'));
const TriagePage = lazy(() => import('../features/tickets/triage-page.tsx'));

export const PAGES: PageEntry[] = [
  {
    path: '',
    navKey: 'common.nav.command',
    icon: <GlobalOutlined />,
    permission: 'vehicles.read',
    element: (
      <OfficerHome>
        <CommandView />
      </OfficerHome>
    ),
  },
  {
    path: 'planner',
    navKey: 'common.nav.planner',
    icon: <NodeIndexOutlined />,
    permission: 'routes.read',
    element: <Planner />,
  },
  {
    path: 'dispatch',
    navKey: 'common.nav.dispatch',
    icon: <ScheduleOutlined />,
    permission: 'sorties.read',
    element: <DispatchBoard />,
  },
  {
    path: 'video',
    navKey: 'common.nav.video',
    icon: <VideoCameraOutlined />,
    permission: 'video.read',
    element: <VideoWall />,
  },
  {
    path: 'sorties',
    navKey: 'common.nav.sorties',
    icon: <HistoryOutlined />,
    permission: 'sorties.read',
    element: <SortieListPage />,
  },
  { path: 'sorties/:id', permission: 'sorties.read', element: <SortieReplayPage /> },
  { path: 'sorties/:id/report', permission: 'sorties.read', element: <SortieReportPage /> },
  {
    path: 'stats',
    navKey: 'common.nav.stats',
    icon: <BarChartOutlined />,
    permission: 'stats.read',
    element: <StatsPage />,
  },
  {
    path: 'tickets',
    navKey: 'tickets.nav.list',
    icon: <AuditOutlined />,
    permission: 'tickets.read',
    element: <TicketListPage />,
  },
  // Reached from the ticket centre's header (the top bar has no room for a tenth entry).
  { path: 'tickets/triage', permission: 'triage.read', element: <TriagePage /> },
  { path: 'tickets/:id', permission: 'tickets.read', element: <TicketPage /> },
  {
    // The registers; each tab and its New/Edit follow the server's read and write permissions.
    path: 'admin',
    navKey: 'common.nav.admin',
    icon: <SettingOutlined />,
    permission: 'bridges.read',
    element: <AdminPage />,
  },
];
