/**
 * A choice among loaded items (routes, docks): an antd `Select` of the items' names while the
 * list loads or has loaded, and the compact `<LoadError>` with its Retry button when the load
 * failed — never an empty drop-down that hides the failure.
 */
import { Select, type SelectProps } from 'antd';
import { LoadError } from './load-error.tsx';
import type { Load } from './use-load.ts';

interface Named {
  id: string;
  name: string;
}

export interface LoadSelectProps<T extends Named = Named>
  extends Omit<SelectProps<string>, 'loading' | 'options' | 'onChange' | 'value' | 'id'> {
  load: Load<readonly T[]>;
  /** A stable name for tests: the error's `data-what`. */
  id: string;
  /** What failed, already translated. */
  what: string;
  value: string | null;
  onChange(id: string): void;
  /** An option's text; the item's name when not given. */
  optionLabel?(item: T): string;
  'data-testid'?: string;
}

export function LoadSelect<T extends Named>({
  load,
  id,
  what,
  value,
  onChange,
  optionLabel,
  ...select
}: LoadSelectProps<T>) {
  if (load.status === 'failed') {
    return <LoadError compact id={id} what={what} error={load.error} onRetry={load.retry} />;
  }
  return (
    <Select
      {...select}
      loading={load.status === 'loading'}
      value={value ?? undefined}
      onChange={(v: string) => onChange(v)}
      options={(load.data ?? []).map((item) => ({ value: item.id, label: optionLabel?.(item) ?? item.name }))}
    />
  );
}
