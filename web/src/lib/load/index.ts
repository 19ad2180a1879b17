export { LoadError, type LoadErrorProps } from './load-error.tsx';
export { LoadSelect, type LoadSelectProps } from './load-select.tsx';
export * from './load-state.ts';
export { type Load, useLoad } from './use-load.ts';
