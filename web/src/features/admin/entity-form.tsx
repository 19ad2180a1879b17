/** The create / edit form of one register row, built from its field list. */
import { Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type EntityKind,
  type EntitySpec,
  type FormValue,
  formValues,
  missingRequired,
  ROLES,
} from './entities.ts';
import type { Row } from './use-register.ts';

export function EntityForm(p: {
  spec: EntitySpec;
  /** The row being edited, or null for a new one. */
  record: Row | null;
  open: boolean;
  busy: boolean;
  refs: Partial<Record<EntityKind, { id: string; name: string }[]>>;
  onSubmit(values: Record<string, FormValue>): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [values, setValues] = useState<Record<string, FormValue>>({});
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (p.open) {
      setValues(formValues(p.spec, p.record));
      setTried(false);
    }
  }, [p.open, p.spec, p.record]);

  const editing = p.record !== null;
  const missing = new Set(missingRequired(p.spec, values, editing));
  const set = (key: string, v: FormValue) => setValues((cur) => ({ ...cur, [key]: v }));
  const label = (key: string) => t(`admin.fields.${key}`);

  return (
    <Modal
      open={p.open}
      title={t(editing ? 'admin.editTitle' : 'admin.createTitle', { what: t(`admin.kinds.${p.spec.kind}`) })}
      okText={t('common.actions.save')}
      cancelText={t('common.actions.cancel')}
      okButtonProps={{ loading: p.busy, 'data-testid': 'admin-form-save' } as never}
      onOk={() => {
        setTried(true);
        if (missing.size === 0) p.onSubmit(values);
      }}
      onCancel={p.onCancel}
      destroyOnHidden
    >
      <Form layout="vertical" size="small" data-testid="admin-form">
        {p.spec.fields
          .filter((f) => !(editing && f.createOnly) && !(!editing && f.editOnly))
          .map((f) => {
            const bad = tried && missing.has(f.key);
            const v = values[f.key];
            const common = { 'data-testid': `admin-field-${f.key}`, id: `admin-field-${f.key}` };
            return (
              <Form.Item
                key={f.key}
                label={label(f.key)}
                required={f.required && !(editing && f.kind === 'password')}
                validateStatus={bad ? 'error' : undefined}
                help={
                  bad
                    ? t('admin.required', { field: label(f.key) })
                    : editing && f.kind === 'password'
                      ? t('admin.passwordKeep')
                      : undefined
                }
                style={{ marginBottom: 10 }}
              >
                {f.kind === 'boolean' ? (
                  <Switch {...common} checked={v === true} onChange={(c) => set(f.key, c)} />
                ) : f.kind === 'number' || f.kind === 'int' ? (
                  <InputNumber
                    {...common}
                    style={{ width: '100%' }}
                    min={f.min}
                    max={f.max}
                    step={f.kind === 'int' ? 1 : 0.000001}
                    precision={f.kind === 'int' ? 0 : undefined}
                    value={typeof v === 'number' ? v : null}
                    onChange={(n) => set(f.key, typeof n === 'number' ? n : null)}
                  />
                ) : f.kind === 'role' ? (
                  <Select
                    {...common}
                    value={typeof v === 'string' ? v : undefined}
                    onChange={(r: string) => set(f.key, r)}
                    options={ROLES.map((r) => ({ value: r, label: t(`common.roles.${r}`) }))}
                  />
                ) : f.kind === 'ref' ? (
                  <Select
                    {...common}
                    allowClear={f.nullable}
                    showSearch={{ optionFilterProp: 'label' }}
                    placeholder={f.nullable ? t('admin.none') : undefined}
                    value={typeof v === 'string' ? v : undefined}
                    onChange={(r?: string) => set(f.key, r ?? null)}
                    options={(p.refs[f.ref!] ?? []).map((r) => ({ value: r.id, label: r.name }))}
                  />
                ) : f.kind === 'password' ? (
                  <Input.Password
                    {...common}
                    autoComplete="new-password"
                    value={typeof v === 'string' ? v : ''}
                    onChange={(e) => set(f.key, e.target.value)}
                  />
                ) : (
                  <Input
                    {...common}
                    value={typeof v === 'string' ? v : ''}
                    onChange={(e) => set(f.key, e.target.value)}
                  />
                )}
              </Form.Item>
            );
          })}
      </Form>
    </Modal>
  );
}
