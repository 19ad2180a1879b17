/**
 * Airspace zones: listed for everyone, drawn and edited by administrators (polygon or circle,
 * with an altitude band). A zone being edited reuses the planner's draft: a polygon is edited
 * as a survey outline, a circle as an orbit's centre and radius.
 */
import type { LatLon, ZoneGeometry, ZoneKind } from '@aerie/missions';
import { App, Button, Form, Input, InputNumber, Popconfirm, Segmented, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/errors.ts';
import { circleRing } from '../../lib/map/planner-map.ts';
import { createZone, deleteZone, updateZone, type ZoneRecord } from './api.ts';
import { type Draft, emptyDraft } from './draft.ts';

export interface ZoneDraft {
  id?: string;
  name: string;
  kind: ZoneKind;
  floorM: number;
  ceilingM: number | null;
  draft: Draft;
}

/** The outline the map draws for a zone being edited. */
export function zoneDraftShape(z: ZoneDraft | null): { type: 'polygon' | 'line'; points: LatLon[] } | null {
  if (!z) return null;
  if (z.draft.pattern === 'orbit')
    return z.draft.center ? { type: 'polygon', points: circleRing(z.draft.center, z.draft.radiusM) } : null;
  return { type: 'polygon', points: z.draft.points };
}

function geometryOf(z: ZoneDraft): ZoneGeometry | null {
  if (z.draft.pattern === 'orbit')
    return z.draft.center ? { type: 'circle', center: z.draft.center, radiusM: z.draft.radiusM } : null;
  return z.draft.points.length >= 3 ? { type: 'polygon', points: z.draft.points } : null;
}

function fromRecord(z: ZoneRecord): ZoneDraft {
  const base = { id: z.id, name: z.name, kind: z.kind, floorM: z.floorM ?? 0, ceilingM: z.ceilingM ?? null };
  if (z.geometry.type === 'circle')
    return {
      ...base,
      draft: { ...emptyDraft('orbit'), center: z.geometry.center, radiusM: z.geometry.radiusM },
    };
  return { ...base, draft: { ...emptyDraft('survey'), points: z.geometry.points } };
}

export function ZonePanel(props: {
  zones: ZoneRecord[];
  canEdit: boolean;
  editing: ZoneDraft | null;
  onEdit: (z: ZoneDraft | null) => void;
  onChanged: () => void;
  onFocus: (points: LatLon[]) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const z = props.editing;

  async function save(): Promise<void> {
    if (!z) return;
    const geometry = geometryOf(z);
    if (!geometry) {
      message.error(t('planner.zones.needShape'));
      return;
    }
    const body = {
      name: z.name.trim() || t(`planner.zones.kinds.${z.kind}`),
      kind: z.kind,
      geometry,
      floorM: z.floorM,
      ceilingM: z.ceilingM,
    };
    setBusy(true);
    try {
      if (z.id) await updateZone(z.id, body);
      else await createZone(body);
      message.success(t('planner.zones.saved'));
      props.onEdit(null);
      props.onChanged();
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(id: string): Promise<void> {
    try {
      await deleteZone(id);
      props.onChanged();
    } catch (err) {
      message.error(errorText(t, err));
    }
  }

  const band = (r: ZoneRecord) =>
    t('planner.zones.band', { floor: r.floorM ?? 0, ceiling: r.ceilingM ?? t('planner.zones.unlimited') });

  return (
    <div data-testid="planner-zones">
      <h4 className="planner-zones-head">
        {t('planner.zones.title')}
        {props.canEdit && !z ? (
          <Button
            size="small"
            data-testid="zone-add"
            onClick={() =>
              props.onEdit({
                name: '',
                kind: 'nofly',
                floorM: 0,
                ceilingM: null,
                draft: emptyDraft('survey'),
              })
            }
          >
            {t('planner.zones.add')}
          </Button>
        ) : null}
      </h4>
      {z ? (
        <Form layout="vertical" size="small" className="planner-zone-form" data-testid="zone-form">
          <Form.Item label={t('planner.zones.name')} style={{ marginBottom: 8 }}>
            <Input
              data-testid="zone-name"
              value={z.name}
              onChange={(e) => props.onEdit({ ...z, name: e.target.value })}
            />
          </Form.Item>
          <div className="planner-grid">
            <Form.Item label={t('planner.zones.kind')} style={{ marginBottom: 8 }}>
              <Select
                value={z.kind}
                onChange={(kind) => props.onEdit({ ...z, kind })}
                options={(['nofly', 'controlled', 'inclusion'] as const).map((k) => ({
                  value: k,
                  label: t(`planner.zones.kinds.${k}`),
                }))}
              />
            </Form.Item>
            <Form.Item label={t('planner.zones.shape')} style={{ marginBottom: 8 }}>
              <Segmented
                value={z.draft.pattern === 'orbit' ? 'circle' : 'polygon'}
                disabled={Boolean(z.id)}
                onChange={(v) =>
                  props.onEdit({ ...z, draft: emptyDraft(v === 'circle' ? 'orbit' : 'survey') })
                }
                options={[
                  { value: 'polygon', label: t('planner.zones.polygon') },
                  { value: 'circle', label: t('planner.zones.circle') },
                ]}
              />
            </Form.Item>
            <Form.Item label={t('planner.zones.floorM')} style={{ marginBottom: 8 }}>
              <InputNumber
                min={0}
                max={10000}
                value={z.floorM}
                onChange={(v) => props.onEdit({ ...z, floorM: v ?? 0 })}
                style={{ width: '100%' }}
              />
            </Form.Item>
            <Form.Item label={t('planner.zones.ceilingM')} style={{ marginBottom: 8 }}>
              <InputNumber
                min={0}
                max={10000}
                value={z.ceilingM}
                onChange={(v) => props.onEdit({ ...z, ceilingM: v ?? null })}
                style={{ width: '100%' }}
              />
            </Form.Item>
          </div>
          <Space>
            <Button type="primary" loading={busy} data-testid="zone-save" onClick={() => void save()}>
              {t('planner.zones.save')}
            </Button>
            <Button onClick={() => props.onEdit(null)}>{t('planner.zones.cancel')}</Button>
          </Space>
        </Form>
      ) : null}
      {props.zones.length === 0 ? <div className="planner-muted">{t('planner.zones.none')}</div> : null}
      <ul className="planner-zone-list">
        {props.zones.map((r) => (
          <li key={r.id} data-testid={`zone-row-${r.id}`}>
            <button
              type="button"
              className="planner-link"
              onClick={() =>
                props.onFocus(
                  r.geometry.type === 'polygon'
                    ? r.geometry.points
                    : circleRing(r.geometry.center, r.geometry.radiusM),
                )
              }
            >
              {r.name}
            </button>
            <Tag color={r.kind === 'nofly' ? 'red' : r.kind === 'controlled' ? 'orange' : 'green'}>
              {t(`planner.zones.kinds.${r.kind}`)}
            </Tag>
            <span className="planner-muted">{band(r)}</span>
            {props.canEdit && !z ? (
              <span className="planner-zone-actions">
                <Button size="small" type="link" onClick={() => props.onEdit(fromRecord(r))}>
                  {t('planner.zones.edit')}
                </Button>
                <Popconfirm
                  title={t('planner.zones.deleteConfirm', { name: r.name })}
                  onConfirm={() => void remove(r.id)}
                >
                  <Button size="small" type="link" danger>
                    {t('planner.zones.delete')}
                  </Button>
                </Popconfirm>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
