// drizzle-kit configuration: `npm run generate` diffs src/schema against migrations/ and writes SQL.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './migrations',
});
