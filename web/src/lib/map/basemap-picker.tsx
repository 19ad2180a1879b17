/**
 * The basemap choice, in the planner and on the globe: the server's default, any map of the
 * maps folder (`GET /api/maps`), or none; and the boundary overlays to show over it (a district's
 * boundary imported with `aerie map import boundary.geojson`). The choice is kept in this browser
 * and both engines read it when they start (`loadConsoleSettings`), so the page reloads to apply it.
 */
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  listMapFolder,
  NO_BASEMAP,
  storeBasemapChoice,
  storedBasemapChoice,
  storedOverlayChoice,
  storeOverlayChoice,
} from '../console-settings.ts';
import { useLoad } from '../load/index.ts';

const DEFAULT = '';

export function BasemapPicker() {
  const { t } = useTranslation();
  const folder = useLoad(listMapFolder, []);
  const choice = storedBasemapChoice() ?? DEFAULT;
  const overlays = folder.data?.overlays ?? [];
  return (
    <>
      <Select
        size="small"
        data-testid="basemap-picker"
        data-choice={choice}
        aria-label={t('common.map.basemap')}
        title={t('common.map.basemap')}
        popupMatchSelectWidth={false}
        loading={folder.status === 'loading'}
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
          ...(folder.data?.maps ?? []).map((m) => ({
            value: m.name,
            label: <span data-testid={`basemap-option-${m.name}`}>{m.name}</span>,
          })),
          {
            value: NO_BASEMAP,
            label: <span data-testid="basemap-option-none">{t('common.map.noBasemap')}</span>,
          },
        ]}
      />
      {overlays.length > 0 ? (
        <Select
          size="small"
          mode="multiple"
          data-testid="overlay-picker"
          aria-label={t('common.map.overlays')}
          placeholder={t('common.map.overlays')}
          popupMatchSelectWidth={false}
          style={{ minWidth: 120 }}
          value={storedOverlayChoice().filter((n) => overlays.some((o) => o.name === n))}
          onChange={(names: string[]) => {
            storeOverlayChoice(names);
            window.location.reload();
          }}
          options={overlays.map((o) => ({
            value: o.name,
            label: <span data-testid={`overlay-option-${o.name}`}>{o.name}</span>,
          }))}
        />
      ) : null}
    </>
  );
}
