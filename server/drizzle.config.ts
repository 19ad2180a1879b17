import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate` (from server/) writes a new migration after a schema change.
// Never edit a migration that has been committed: add a new one.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
