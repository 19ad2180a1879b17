/** Georeferencing of findings (box centre -> ground, with error) and fusion over consecutive frames. */
export * from './fuse.ts';
export * from './georeference.ts';
export * from './place-key.ts';
