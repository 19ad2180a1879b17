/** The tools over the map: pattern, delete the selected point, fit the view, clear, the basemap. */
import { AimOutlined, DeleteOutlined } from '@ant-design/icons';
import { Button, Segmented, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { BasemapPicker } from '../../lib/map/basemap-picker.tsx';
import { PATTERN_KINDS, type PatternKind } from './draft.ts';

export function PlannerToolbar(p: {
  pattern: PatternKind;
  /** Drawing a zone: the pattern cannot change. */
  editingZone: boolean;
  onPattern(p: PatternKind): void;
  canDelete: boolean;
  onDelete(): void;
  onFit(): void;
  onClear(): void;
}) {
  const { t } = useTranslation();
  return (
    <div className="planner-toolbar">
      <Segmented
        value={p.pattern}
        disabled={p.editingZone}
        onChange={(v) => p.onPattern(v as PatternKind)}
        options={PATTERN_KINDS.map((k) => ({
          value: k,
          label: <span data-testid={`planner-tool-${k}`}>{t(`planner.tools.${k}`)}</span>,
        }))}
      />
      <Tooltip title={t('planner.actions.deletePoint')}>
        <Button
          icon={<DeleteOutlined />}
          aria-label={t('planner.actions.deletePoint')}
          disabled={!p.canDelete}
          onClick={p.onDelete}
        />
      </Tooltip>
      <Tooltip title={t('planner.actions.fit')}>
        <Button icon={<AimOutlined />} aria-label={t('planner.actions.fit')} onClick={p.onFit} />
      </Tooltip>
      <Button onClick={p.onClear}>{t('planner.actions.clear')}</Button>
      <BasemapPicker />
    </div>
  );
}
