// ESLint flat config for @atende/console: typescript-eslint and eslint-plugin-svelte's recommended
// rules, with TypeScript inside .svelte files parsed by typescript-eslint.
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default defineConfig(
  globalIgnores(['build/**', '.svelte-kit/**', 'test-results/**']),
  tseslint.configs.recommended,
  svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The console is always served at the router's root (no paths.base), so links need no resolve().
      'svelte/no-navigation-without-resolve': 'off',
    },
  },
  {
    // Stores keep collections in $state.raw and replace them whole (or keep them private and
    // unobserved, like pending requests): reactive Map/Set wrappers would only add cost.
    files: ['**/*.svelte.ts'],
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: tseslint.parser, svelteConfig } },
  },
);
