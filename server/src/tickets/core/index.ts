/** The ticket desk's pure core: rules without I/O, taken by the store and routes. */
export * from './calendar.ts';
export * from './calendar-years.ts';
export * from './dedup.ts';
export * from './evidence-chain.ts';
export * from './geo.ts';
export * from './holidays-cn.ts';
export * from './lifecycle.ts';
export * from './numbering.ts';
export * from './permissions.ts';
export * from './policy.ts';
export * from './redaction.ts';
export * from './relocation.ts';
export * from './routing.ts';
export * from './sla.ts';
export * from './triage.ts';
export * from './verification.ts';
