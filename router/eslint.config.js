// ESLint flat config for @atende/router: typescript-eslint's recommended rules, plus the boundary
// that keeps the routing core pure (no uWS, Redis, database, logging, nor any folder outside src/core).
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const PURE = ['uWebSockets.js', 'ioredis', 'drizzle-orm', 'postgres', '@atende/db', 'pino'];

export default defineConfig(
  globalIgnores(['dist/**']),
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON answers of any shape; typing each one would only restate the assertions.
    files: ['test/**/*.ts', 'src/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // One block per folder depth: from src/core/<d folders>/x.ts, d + 1 "../" leave the core.
  ...[0, 1, 2, 3].map((depth) => ({
    files: [`src/core/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: PURE.map((name) => ({ name, message: 'The routing core is pure: no I/O, no infrastructure.' })),
          patterns: [
            { group: [`${'../'.repeat(depth + 1)}**`], message: 'The routing core imports only from src/core.' },
            { group: ['drizzle-orm/*', '@atende/*', 'ioredis/*', 'uWebSockets.js/*', 'pino/*'], message: 'The routing core is pure.' },
          ],
        },
      ],
    },
  })),
);
