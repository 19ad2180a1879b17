/** Schedules and sorties: recurrence, the scheduler tick, dock assignment, weather gate, deconfliction, the sortie machine. */
export * from './deconflict.ts';
export * from './dock-assignment.ts';
export * from './recurrence.ts';
export * from './scheduler.ts';
export * from './sortie-machine.ts';
export * from './weather.ts';
export * from './zoned-time.ts';
