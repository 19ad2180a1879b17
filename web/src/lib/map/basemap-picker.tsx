/**
 * The basemap choice, in the planner and on the globe: the server's default, any map of the
 * maps folder (`GET /api/maps`), or none. The choice is kept in this browser and both engines
 * read it when they start (`loadConsoleSettings`), so the page reloads to apply it everywhere.
 */
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  listInstalledMaps,
  NO_BASEMAP,
  storeBasemapChoice,
  storedBasemapChoice,
} from '../console-settings.ts';
import { useLoad } from '../load/index.ts';

const DEFAULT = '';

export function BasemapPicker({ className }: { className?: string }) {
  const { t } = useTranslation();
  const maps = useLoad(listInstalledMaps, []);
  const choice = storedBasemapChoice() ?? DEFAULT;
  return (
    <Select
      className={className}
      size="small"
      data-testid="basemap-picker"
      data-choice={choice}
      aria-label={t('common.map.basemap')}
      title={t('common.map.basemap')}
      popupMatchSelectWidth={false}
      loading={maps.status === 'loading'}
      value={choice}
      onChange={(v: string) => {
        storeBasemapChoice(v || null);
        window.location.reload();
      }}
      options={[
        {
          value: DEFAULT,
          label: <span data-testid="basemap-option-default">{t('common.map.serverDefault')}</span>,
        },
        ...(maps.data ?? []).map((m) => ({
          value: m.name,
          label: <span data-testid={`basemap-option-${m.name}`}>{m.name}</span>,
        })),
        {
          value: NO_BASEMAP,
          label: <span data-testid="basemap-option-none">{t('common.map.noBasemap')}</span>,
        },
      ]}
    />
  );
}
