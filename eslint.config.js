// eslint (flat config) for the TypeScript and JavaScript of the web UI, its browser tests and
// the partner programs: `npm run lint:web`, part of `make lint`.
//
// - web/src: typescript-eslint's recommended rules with type information (web/tsconfig.json,
//   found by the project service) and the react-hooks recommended rules (React Compiler ones
//   included).
// - partners/*/src: recommended rules without type information: they import clients generated
//   into the gitignored generated/ folders by `make test-partners`, which a fresh checkout lacks.
// - web/e2e: plain JavaScript for Node (functions passed to page.evaluate run in the browser).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['**/gen/', '**/dist/', '**/generated/', '**/out/', '**/node_modules/', 'web/test-results/']),
  {
    files: ['web/src/**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked, reactHooks.configs.flat.recommended],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a parameter a signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Test doubles are async to honour the interfaces they stand in for, awaiting nothing.
    files: ['web/src/**/*.test.{ts,tsx}', 'web/src/testing/**'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['partners/*/src/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['web/e2e/**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
