/** Camera geometry: pinhole projection between pixels and the ground, footprints and georeferencing error. */

export * from './coverage.ts';
export * from './dem-grid.ts';
export * from './projection.ts';
export * from './rotation.ts';
export * from './uncertainty.ts';
