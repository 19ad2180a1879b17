/** Strings of one feature in both languages; English must have every key Chinese has. */
export type Strings = { [key: string]: string | Strings };

/** Widens string literals so English is checked for the same keys, not the same text. */
export type SameKeys<T> = { [K in keyof T]: T[K] extends string ? string : SameKeys<T[K]> };

/**
 * Declares a feature's strings under `namespace`: `t('namespace.key')` in components.
 * Chinese comes first and defines the keys; English is type-checked against it.
 */
export function defineStrings<const N extends string, const Z extends Strings>(
  namespace: N,
  zh: Z,
  en: SameKeys<Z>,
): { namespace: N; 'zh-CN': Z; en: SameKeys<Z> } {
  return { namespace, 'zh-CN': zh, en };
}
