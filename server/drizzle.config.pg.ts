import { defineConfig } from 'drizzle-kit';

// The PostgreSQL migrations, from the twin `src/db/schema-pg.ts` (derived from `schema.ts`):
// `npm run db:generate:pg` after `npm run db:generate`. Never edit a committed migration.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema-pg.ts',
  out: './drizzle-pg',
});
