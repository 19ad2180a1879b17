/**
 * A choice among loaded items (routes, docks): an antd `Select` of the items' names while the
 * list loads or has loaded, and the compact `<LoadError>` with its Retry button when the load
 * failed — never an empty drop-down that hides the failure.
 */
import { Select, type SelectProps } from 'antd';
import { LoadError } from './load-error.tsx';
import type { Load } from './use-load.ts';

export interface LoadSelectProps
  extends Omit<SelectProps<string>, 'loading' | 'options' | 'onChange' | 'value' | 'id'> {
  load: Load<readonly { id: string; name: string }[]>;
  /** A stable name for tests: the error's `data-what`. */
  id: string;
  /** What failed, already translated. */
  what: string;
  value: string | null;
  onChange(id: string): void;
  'data-testid'?: string;
}

export function LoadSelect({ load, id, what, value, onChange, ...select }: LoadSelectProps) {
  if (load.status === 'failed') {
    return <LoadError compact id={id} what={what} error={load.error} onRetry={load.retry} />;
  }
  return (
    <Select
      {...select}
      loading={load.status === 'loading'}
      value={value ?? undefined}
      onChange={(v: string) => onChange(v)}
      options={(load.data ?? []).map((item) => ({ value: item.id, label: item.name }))}
    />
  );
}
