/**
 * The dialog that asks for a reason before a step that needs one (voiding or returning a
 * ticket, rejecting a triage finding): a text box, OK only once something is written, and the
 * refusal shown inside the dialog so the reason is not lost.
 */
import { Alert, Input, Modal, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function ReasonModal(props: {
  open: boolean;
  title: string;
  placeholder: string;
  /** `data-testid` of the text box. */
  testId: string;
  /** `data-testid` of the OK button, when a test clicks it by id. */
  okTestId?: string;
  /** A line above the text box. */
  hint?: string;
  danger?: boolean;
  reason: string;
  onReason: (reason: string) => void;
  busy: boolean;
  /** The refusal to show, or null. */
  error: ReactNode | null;
  onCancel: () => void;
  onOk: (reason: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      open={props.open}
      title={props.title}
      okText={t('tickets.page.confirm')}
      cancelText={t('tickets.page.cancel')}
      okButtonProps={
        {
          danger: props.danger ?? false,
          disabled: !props.reason.trim(),
          loading: props.busy,
          ...(props.okTestId ? { 'data-testid': props.okTestId } : {}),
        } as never
      }
      onCancel={props.onCancel}
      onOk={() => props.onOk(props.reason.trim())}
    >
      {props.hint && <Typography.Paragraph type="secondary">{props.hint}</Typography.Paragraph>}
      <Input.TextArea
        rows={3}
        maxLength={2000}
        data-testid={props.testId}
        placeholder={props.placeholder}
        value={props.reason}
        onChange={(e) => props.onReason(e.target.value)}
      />
      {props.error && <Alert type="error" showIcon style={{ marginTop: 12 }} title={props.error} />}
    </Modal>
  );
}
