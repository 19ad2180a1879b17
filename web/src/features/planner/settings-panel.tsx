import { Form, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Draft, PatternSettings } from './draft.ts';

/** Altitude, speed and camera settings of the pattern being drawn. */
export function SettingsPanel({ draft, onChange }: { draft: Draft; onChange: (d: Draft) => void }) {
  const { t } = useTranslation();
  const s = draft.settings;
  const set = <K extends keyof PatternSettings>(k: K, v: PatternSettings[K] | null) => {
    if (v === null && k !== 'surveyAngleDeg') return;
    onChange({ ...draft, settings: { ...s, [k]: v } });
  };
  const num = (k: keyof PatternSettings, min: number, max: number, step = 1) => (
    <Form.Item label={t(`planner.settings.${k}`)} style={{ marginBottom: 8 }}>
      <InputNumber
        size="small"
        min={min}
        max={max}
        step={step}
        value={s[k] as number | null}
        data-testid={`planner-setting-${k}`}
        onChange={(v) => set(k, v as never)}
        style={{ width: '100%' }}
      />
    </Form.Item>
  );
  return (
    <Form layout="vertical" size="small" className="planner-settings">
      <div className="planner-grid">
        {num('altM', 5, 500)}
        {num('speedMps', 1, 25, 0.5)}
        {draft.pattern === 'orbit' ? (
          <>
            <Form.Item label={t('planner.settings.radiusM')} style={{ marginBottom: 8 }}>
              <InputNumber
                size="small"
                min={5}
                max={2000}
                value={draft.radiusM}
                onChange={(v) => v !== null && onChange({ ...draft, radiusM: v })}
                style={{ width: '100%' }}
              />
            </Form.Item>
            {num('orbitTurns', 0.5, 20, 0.5)}
          </>
        ) : null}
        {draft.pattern === 'survey' ? (
          <>
            {num('sideOverlapPct', 0, 95)}
            {num('frontOverlapPct', 0, 95)}
            {num('surveyAngleDeg', 0, 179)}
          </>
        ) : null}
        {draft.pattern === 'corridor' ? (
          <>
            {num('corridorOffsetM', 0, 500)}
            <Form.Item label={t('planner.settings.corridorSide')} style={{ marginBottom: 8 }}>
              <Select
                size="small"
                value={s.corridorSide}
                onChange={(v) => set('corridorSide', v)}
                options={(['center', 'left', 'right', 'both'] as const).map((v) => ({
                  value: v,
                  label: t(`planner.settings.sides.${v}`),
                }))}
              />
            </Form.Item>
          </>
        ) : null}
        {draft.pattern === 'waypoint' || draft.pattern === 'corridor' ? (
          <Form.Item label={t('planner.settings.camera')} style={{ marginBottom: 8 }}>
            <Select
              size="small"
              value={s.camera}
              onChange={(v) => set('camera', v)}
              options={(['none', 'photo_distance', 'photo_time', 'video'] as const)
                .filter((v) => draft.pattern === 'waypoint' || v === 'none' || v === 'photo_distance')
                .map((v) => ({ value: v, label: t(`planner.settings.cameraModes.${v}`) }))}
            />
          </Form.Item>
        ) : null}
        {(draft.pattern === 'waypoint' || draft.pattern === 'corridor') && s.camera === 'photo_distance'
          ? num('photoDistanceM', 1, 500)
          : null}
        {draft.pattern === 'waypoint' && s.camera === 'photo_time' ? num('photoIntervalS', 1, 60) : null}
        {draft.pattern !== 'orbit' ? num('gimbalPitchDeg', -90, 0) : null}
      </div>
    </Form>
  );
}
