/**
 * The dialog a dispatcher sends a ticket to a department with (派遣): the ticket's routed
 * department preselected when it has one, otherwise a choice to make; OK only once a
 * department is chosen, the server's refusal shown inside the dialog.
 */
import { Alert, Modal, Select, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department } from './types.ts';

export function DispatchModal(props: {
  open: boolean;
  departments: readonly Department[];
  departmentId: string | null;
  onDepartment: (id: string) => void;
  busy: boolean;
  /** The refusal to show, or null. */
  error: ReactNode | null;
  onCancel: () => void;
  onOk: (departmentId: string) => void;
}) {
  const { t } = useTranslation();
  const chosen = props.departmentId;
  return (
    <Modal
      open={props.open}
      title={t('tickets.action.dispatch')}
      okText={t('tickets.page.confirm')}
      cancelText={t('tickets.page.cancel')}
      okButtonProps={{ disabled: !chosen, loading: props.busy, 'data-testid': 'ticket-dispatch-ok' } as never}
      onCancel={props.onCancel}
      onOk={() => chosen && props.onOk(chosen)}
    >
      <Typography.Paragraph type="secondary">{t('tickets.page.dispatchHint')}</Typography.Paragraph>
      <Select
        style={{ width: '100%' }}
        data-testid="ticket-dispatch-department"
        placeholder={t('tickets.page.dispatchTo')}
        value={chosen ?? undefined}
        onChange={(v: string) => props.onDepartment(v)}
        options={props.departments.map((d) => ({ value: d.id, label: d.name }))}
        showSearch
        optionFilterProp="label"
      />
      {props.error && <Alert type="error" showIcon style={{ marginTop: 12 }} title={props.error} />}
    </Modal>
  );
}
