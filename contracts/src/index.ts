/**
 * @aerie/contracts: the one place where Aerie's packages agree on what crosses between them.
 * Each contract is a TypeBox schema (checked at run time at a package's edge) and the static
 * type derived from it. TypeBox is the project's one validation library.
 */

export * from './basemap.ts';
export * from './channel.ts';
export * from './channel-samples.ts';
export * from './console.ts';
export * from './finding.ts';
export * from './frame.ts';
export * from './http.ts';
export * from './result.ts';
export * from './sorties.ts';
export * from './tickets.ts';
export * from './video.ts';
