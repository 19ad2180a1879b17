/** An on-demand or emergency sortie that goes before the scheduled ones. */
import { App, Form, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Load, LoadSelect } from '../../lib/load/index.ts';
import { type DockRecord, launchSortie, type Named } from './dispatch-api.ts';
import { launchErrorText } from './failure-text.ts';

export function PreemptModal(props: {
  open: boolean;
  onClose: () => void;
  routes: Load<Named[]>;
  docks: DockRecord[];
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [routeId, setRouteId] = useState<string | null>(null);
  const [dockId, setDockId] = useState<string>('');
  const [cls, setCls] = useState<'on_demand' | 'emergency'>('on_demand');
  const [busy, setBusy] = useState(false);

  async function submit(): Promise<void> {
    if (!routeId) return;
    setBusy(true);
    try {
      await launchSortie({
        routeId,
        sortieClass: cls,
        priority: cls === 'emergency' ? 100 : 80,
        ...(dockId ? { dockIds: [dockId] } : {}),
      });
      message.success(t('dispatch.preempt.launched'));
      props.onClose();
    } catch (err) {
      message.error(launchErrorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={props.open}
      title={t('dispatch.preempt.title')}
      onCancel={props.onClose}
      onOk={() => void submit()}
      okText={t('dispatch.preempt.submit')}
      cancelText={t('common.actions.cancel')}
      okButtonProps={{ disabled: !routeId, loading: busy, danger: true, id: 'preempt-submit' }}
    >
      <Form layout="vertical">
        <Form.Item label={t('dispatch.preempt.route')}>
          <LoadSelect
            load={props.routes}
            id="routes"
            what={t('dispatch.load.routes')}
            data-testid="preempt-route"
            value={routeId}
            placeholder={t('dispatch.preempt.routePlaceholder')}
            onChange={setRouteId}
            showSearch={{ optionFilterProp: 'label' }}
          />
        </Form.Item>
        <Form.Item label={t('dispatch.preempt.dock')}>
          <Select
            value={dockId}
            onChange={setDockId}
            options={[
              { value: '', label: t('dispatch.preempt.anyDock') },
              ...props.docks.map((d) => ({ value: d.id, label: d.name })),
            ]}
          />
        </Form.Item>
        <Form.Item label={t('dispatch.preempt.class')}>
          <Radio.Group
            value={cls}
            onChange={(e) => setCls(e.target.value as 'on_demand' | 'emergency')}
            options={(['on_demand', 'emergency'] as const).map((c) => ({
              value: c,
              label: t(`dispatch.classes.${c}`),
            }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
