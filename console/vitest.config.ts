// Two vitest projects: `unit` for the pure browser logic, `e2e` for real Chromium against the real
// server started in-process (needs router and console built: turbo's test task depends on both).
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const lib = fileURLToPath(new URL('./src/lib', import.meta.url));

export default defineConfig({
  resolve: { alias: { $lib: lib } },
  test: {
    projects: [
      {
        extends: true,
        // Compiles runes in `.svelte.ts` modules (the admin editor's state) for the unit tests.
        plugins: [svelte()],
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
