// Worker-thread entry: a worker starts as plain Node, so register tsx (as bin/aerie.mjs does)
// before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
