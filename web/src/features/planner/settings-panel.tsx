import { Form, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { CAPTURE_BOUNDS, CAPTURE_MODES, type CaptureForm } from './capture-form.ts';
import { cameraModes, canCapture, type Draft, fitSettings, type PatternSettings } from './draft.ts';

/** Altitude, speed and camera settings of the pattern being drawn, and the route's photo capture. */
export function SettingsPanel({ draft, onChange }: { draft: Draft; onChange: (d: Draft) => void }) {
  const { t } = useTranslation();
  const s = draft.settings;
  const set = <K extends keyof PatternSettings>(k: K, v: PatternSettings[K] | null) => {
    if (v === null && k !== 'surveyAngleDeg') return;
    onChange({ ...draft, settings: fitSettings(draft.pattern, { ...s, [k]: v }) });
  };
  const modes = cameraModes(draft.pattern, s);
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
        {modes.length > 0 ? (
          <Form.Item label={t('planner.settings.camera')} style={{ marginBottom: 8 }}>
            <Select
              size="small"
              value={s.camera}
              onChange={(v) => set('camera', v)}
              data-testid="planner-setting-camera"
              options={modes.map((v) => ({ value: v, label: t(`planner.settings.cameraModes.${v}`) }))}
            />
          </Form.Item>
        ) : null}
        {modes.includes('photo_distance') && s.camera === 'photo_distance'
          ? num('photoDistanceM', 1, 500)
          : null}
        {draft.pattern === 'waypoint' && s.camera === 'photo_time' ? num('photoIntervalS', 1, 60) : null}
        {draft.pattern !== 'orbit' ? num('gimbalPitchDeg', -90, 0) : null}
      </div>
      <CaptureFields
        form={s.capture}
        allowed={canCapture(draft.pattern)}
        onChange={(capture) =>
          onChange({ ...draft, settings: fitSettings(draft.pattern, { ...s, capture }) })
        }
      />
    </Form>
  );
}

/** 拍照: off, a still every N metres or every N seconds over the whole patrol. */
function CaptureFields({
  form,
  allowed,
  onChange,
}: {
  form: CaptureForm;
  allowed: boolean;
  onChange: (f: CaptureForm) => void;
}) {
  const { t } = useTranslation();
  const field = form.mode === 'distance' ? 'distanceM' : form.mode === 'interval' ? 'intervalS' : null;
  return (
    <div className="planner-grid" data-testid="planner-capture" data-mode={form.mode}>
      <Form.Item
        label={t('planner.settings.capture')}
        style={{ marginBottom: 8 }}
        extra={allowed ? undefined : t('planner.settings.captureSurvey')}
      >
        <Select
          size="small"
          value={form.mode}
          disabled={!allowed}
          onChange={(mode) => onChange({ ...form, mode })}
          data-testid="planner-capture-mode"
          options={CAPTURE_MODES.map((v) => ({
            value: v,
            label: (
              <span data-testid={`planner-capture-mode-${v}`}>{t(`planner.settings.captureModes.${v}`)}</span>
            ),
          }))}
        />
      </Form.Item>
      {field ? (
        <Form.Item label={t(`planner.settings.capture_${field}`)} style={{ marginBottom: 8 }}>
          <InputNumber
            size="small"
            {...CAPTURE_BOUNDS[field]}
            value={form[field]}
            data-testid={`planner-capture-${field}`}
            onChange={(v) => v !== null && onChange({ ...form, [field]: v })}
            style={{ width: '100%' }}
          />
        </Form.Item>
      ) : null}
    </div>
  );
}
