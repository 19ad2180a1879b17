/**
 * The console's pages: one entry each, with the navigation label, the permission that shows
 * it and the page component (loaded lazily so the globe's large bundle loads only where it
 * is used). A feature adds its pages here.
 */
import { GlobalOutlined } from '@ant-design/icons';
import { lazy, type ReactNode } from 'react';

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

export const PAGES: PageEntry[] = [
  {
    path: '',
    navKey: 'common.nav.command',
    icon: <GlobalOutlined />,
    permission: 'vehicles.read',
    element: <CommandView />,
  },
];
