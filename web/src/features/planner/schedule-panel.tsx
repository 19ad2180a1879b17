/**
 * A readable recurrence form (weekdays, days of the month, times, dates, window, priority)
 * that builds the RRULE, previews the next runs as it is edited, saves the schedule, and
 * launches the route now. Both fly from the take-off dock chosen at the top of the planner:
 * the route's checks were made from that dock, so there is no second dock choice here. With a
 * dock-less aircraft chosen instead, the route is launched on that aircraft (schedules need a
 * dock); the launch waits for the checks made from where it stands to pass.
 */
import { RocketOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, DatePicker, Form, InputNumber, Radio, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/errors.ts';
import { useCan } from '../auth/session.ts';
import { launchErrorText } from '../dispatch/failure-text.ts';
import { createSchedule, type DocklessVehicle, type DockRecord, launchNow, launchOnVehicle } from './api.ts';
import {
  buildSchedule,
  defaultForm,
  previewRuns,
  type RecurrenceForm,
  type Repeat,
  WEEKDAYS,
} from './recurrence-form.ts';

const DAYS = Array.from({ length: 31 }, (_, i) => i + 1);

export function SchedulePanel({
  routeId,
  dock,
  vehicle,
  flyable,
  routeName,
}: {
  routeId: string;
  /** The take-off dock chosen at the top of the planner; null when there is none. */
  dock: DockRecord | null;
  /** The dock-less aircraft chosen instead of a dock, if any. */
  vehicle: DocklessVehicle | null;
  /** The route passes its checks from the chosen take-off site. */
  flyable: boolean;
  routeName: string;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const canSchedule = useCan('schedules.write');
  const canLaunch = useCan('sorties.launch');
  const [form, setForm] = useState<RecurrenceForm>(() => defaultForm(dayjs().format('YYYY-MM-DD')));
  const [busy, setBusy] = useState<'save' | 'launch' | null>(null);
  const [savedId, setSavedId] = useState<string | null>(null);
  const set = (patch: Partial<RecurrenceForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setSavedId(null);
  };

  const preview = useMemo(() => previewRuns(form, Date.now(), 5), [form]);
  const problem = preview.ok ? null : preview.problem;
  const fmt = new Intl.DateTimeFormat(i18n.language, {
    timeZone: form.tz,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });

  async function save(): Promise<void> {
    const built = buildSchedule(form);
    if (!built.ok) return;
    setBusy('save');
    try {
      const s = await createSchedule({
        name: routeName,
        routeId,
        kind: 'recurring',
        ...(built.rrule ? { rrule: built.rrule } : {}),
        dtstart: built.dtstart,
        tz: form.tz,
        windowS: built.schedule.windowS,
        priority: form.priority,
        dockIds: dock ? [dock.id] : null,
        enabled: true,
      });
      setSavedId(s.id);
      message.success(t('planner.schedule.saved'));
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setBusy(null);
    }
  }

  async function launch(): Promise<void> {
    if (!dock && !vehicle) return;
    setBusy('launch');
    try {
      const s = vehicle ? await launchOnVehicle(routeId, vehicle.id) : await launchNow(routeId, dock!.id);
      message.success(t('planner.schedule.launched', { id: s.sortieId.slice(0, 8) }));
    } catch (err) {
      message.error({
        content: <span data-testid="launch-error">{launchErrorText(t, err)}</span>,
        duration: 8,
      });
    } finally {
      setBusy(null);
    }
  }

  const problemText = (field: string) =>
    problem && problem.field === field
      ? t(`planner.schedule.problems.${problem.code}`, problem.code)
      : undefined;

  return (
    <Form layout="vertical" size="small" data-testid="schedule-form" data-saved-id={savedId ?? ''}>
      <Form.Item label={t('planner.schedule.repeat')} style={{ marginBottom: 8 }}>
        <Radio.Group
          value={form.repeat}
          onChange={(e) => set({ repeat: e.target.value as Repeat })}
          optionType="button"
          options={(['daily', 'weekly', 'monthly', 'once'] as const).map((r) => ({
            value: r,
            label: <span data-testid={`schedule-repeat-${r}`}>{t(`planner.schedule.repeats.${r}`)}</span>,
          }))}
        />
      </Form.Item>
      {form.repeat === 'weekly' ? (
        <Form.Item
          label={t('planner.schedule.weekdays')}
          style={{ marginBottom: 8 }}
          validateStatus={problemText('weekdays') ? 'error' : undefined}
          help={problemText('weekdays')}
        >
          <Checkbox.Group
            value={form.weekdays}
            onChange={(v) => set({ weekdays: v as RecurrenceForm['weekdays'] })}
            options={WEEKDAYS.map((d) => ({ value: d, label: t(`planner.schedule.weekdayNames.${d}`) }))}
          />
        </Form.Item>
      ) : null}
      {form.repeat === 'monthly' ? (
        <Form.Item
          label={t('planner.schedule.monthDays')}
          style={{ marginBottom: 8 }}
          validateStatus={problemText('monthDays') ? 'error' : undefined}
          help={problemText('monthDays')}
        >
          <Checkbox.Group
            className="schedule-month-days"
            value={form.monthDays}
            onChange={(v) => set({ monthDays: v as number[] })}
            options={DAYS.map((d) => ({ value: d, label: String(d) }))}
          />
        </Form.Item>
      ) : null}
      <Form.Item
        label={t('planner.schedule.times')}
        style={{ marginBottom: 8 }}
        validateStatus={problemText('times') ? 'error' : undefined}
        help={problemText('times')}
      >
        <Select
          mode="tags"
          data-testid="schedule-times"
          value={form.times}
          placeholder={t('planner.schedule.timesPlaceholder')}
          onChange={(v: string[]) => set({ times: v.map((s) => s.trim().replace(/^(\d):/, '0$1:')) })}
          options={['06:00', '09:00', '12:00', '15:00', '18:00'].map((v) => ({ value: v, label: v }))}
          tokenSeparators={[',', ' ']}
        />
      </Form.Item>
      <div className="planner-grid">
        <Form.Item
          label={form.repeat === 'once' ? t('planner.schedule.startDate') : t('planner.schedule.startDate')}
          style={{ marginBottom: 8 }}
          validateStatus={problemText('startDate') ? 'error' : undefined}
          help={problemText('startDate')}
        >
          <DatePicker
            allowClear={false}
            value={dayjs(form.startDate)}
            onChange={(d) => d && set({ startDate: d.format('YYYY-MM-DD') })}
            style={{ width: '100%' }}
          />
        </Form.Item>
        {form.repeat !== 'once' ? (
          <Form.Item
            label={t('planner.schedule.endDate')}
            style={{ marginBottom: 8 }}
            validateStatus={problemText('endDate') ? 'error' : undefined}
            help={problemText('endDate')}
          >
            <DatePicker
              placeholder={t('planner.schedule.noEnd')}
              value={form.endDate ? dayjs(form.endDate) : null}
              onChange={(d) => set({ endDate: d ? d.format('YYYY-MM-DD') : null })}
              style={{ width: '100%' }}
            />
          </Form.Item>
        ) : null}
        <Form.Item label={t('planner.schedule.window')} style={{ marginBottom: 8 }}>
          <InputNumber
            min={0}
            max={1440}
            value={form.windowMin}
            onChange={(v) => set({ windowMin: v ?? 0 })}
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item label={t('planner.schedule.priority')} style={{ marginBottom: 8 }}>
          <InputNumber
            min={0}
            max={100}
            value={form.priority}
            onChange={(v) => set({ priority: v ?? 0 })}
            style={{ width: '100%' }}
          />
        </Form.Item>
      </div>
      {vehicle ? (
        <div className="planner-row" data-testid="schedule-vehicle" data-vehicle-id={vehicle.id}>
          <span className="planner-label">{t('planner.schedule.onVehicle')}</span>
          <span>
            {vehicle.name}
            {vehicle.online ? '' : ` (${t('planner.schedule.vehicleOffline')})`}
          </span>
        </div>
      ) : (
        <div className="planner-row" data-testid="schedule-dock" data-dock-id={dock?.id ?? ''}>
          <span className="planner-label">{t('planner.schedule.fromDock')}</span>
          <span>{dock ? dock.name : t('planner.noDock')}</span>
        </div>
      )}
      <div
        className="schedule-preview"
        data-testid="schedule-preview"
        data-count={preview.ok ? preview.runs.length : 0}
      >
        <div className="planner-label">{t('planner.schedule.preview')}</div>
        {preview.ok ? (
          preview.runs.length === 0 ? (
            <div className="planner-muted">{t('planner.schedule.previewNone')}</div>
          ) : (
            <ol>
              {preview.runs.map((r) => (
                <li key={r.dueMs} data-due-ms={r.dueMs}>
                  {fmt.format(r.dueMs)}
                </li>
              ))}
            </ol>
          )
        ) : null}
      </div>
      <Space style={{ marginTop: 8 }}>
        <Button
          type="primary"
          data-testid="schedule-save"
          disabled={!preview.ok || !canSchedule || vehicle !== null}
          title={vehicle ? t('planner.schedule.needsDock') : undefined}
          loading={busy === 'save'}
          onClick={() => void save()}
        >
          {t('planner.schedule.save')}
        </Button>
        <Button
          danger
          icon={<RocketOutlined />}
          data-testid={vehicle ? 'launch-on-vehicle' : 'launch-now'}
          disabled={!canLaunch || (!dock && !vehicle) || !flyable || (vehicle !== null && !vehicle.online)}
          title={
            !canLaunch
              ? t('planner.schedule.mayNotLaunch')
              : !flyable
                ? t('planner.schedule.notFlyable')
                : undefined
          }
          loading={busy === 'launch'}
          onClick={() => void launch()}
        >
          {vehicle ? t('planner.schedule.launchOnVehicle') : t('planner.schedule.launchNow')}
        </Button>
      </Space>
    </Form>
  );
}
