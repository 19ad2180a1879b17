/** Save, import and export of the route being drawn. */
import { DownloadOutlined, SaveOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExportFormat } from './route-files.ts';

export function RouteActions(p: {
  canSave: boolean;
  canExport: boolean;
  saving: boolean;
  onSave(): void;
  onImport(file: File): void;
  onExport(format: ExportFormat): void;
}) {
  const { t } = useTranslation();
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <section className="planner-actions">
      <Button
        type="primary"
        icon={<SaveOutlined />}
        data-testid="planner-save"
        loading={p.saving}
        disabled={!p.canSave}
        onClick={p.onSave}
      >
        {t('planner.actions.save')}
      </Button>
      <Button icon={<UploadOutlined />} onClick={() => fileInput.current?.click()}>
        {t('planner.actions.import')}
      </Button>
      <input
        ref={fileInput}
        type="file"
        accept=".plan,.json,.geojson,.kml"
        data-testid="planner-import"
        style={{ display: 'none' }}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) p.onImport(f);
        }}
      />
      <Dropdown
        disabled={!p.canExport}
        menu={{
          items: [
            {
              key: 'plan',
              label: <span data-testid="planner-export-plan">{t('planner.actions.exportPlan')}</span>,
            },
            {
              key: 'geojson',
              label: <span data-testid="planner-export-geojson">{t('planner.actions.exportGeoJson')}</span>,
            },
            {
              key: 'kml',
              label: <span data-testid="planner-export-kml">{t('planner.actions.exportKml')}</span>,
            },
          ],
          onClick: ({ key }) => p.onExport(key as ExportFormat),
        }}
      >
        <Button icon={<DownloadOutlined />} data-testid="planner-export">
          {t('planner.actions.export')}
        </Button>
      </Dropdown>
    </section>
  );
}
