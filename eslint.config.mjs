// Lint rules, run by `npm run build` (scripts/lint.mjs): typescript-eslint's
// recommended set (syntax only: fast enough for every build), import order,
// and a few project habits. Formatting is Prettier's, not the linter's.
import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', '.cache/**', 'node_modules/**', 'test/bench/corpus/**', 'test/e2e/workspace/**', 'screenshots/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'simple-import-sort': simpleImportSort },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      // `void x;` to silence an unused value hides dead code: remove the value instead.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ExpressionStatement > UnaryExpression[operator='void'] > Identifier",
          message: 'Remove the unused value instead of voiding it.',
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Custom LSP requests are declared as vscode-eslint does: `namespace X { method; type }`.
    files: ['server/src/protocol/**/*.ts', 'server/src/contracts/**/*.ts'],
    rules: { '@typescript-eslint/no-namespace': 'off' },
  },
  {
    // Webview code, and the end-to-end functions that run inside the page.
    files: ['client/webview/**/*.ts', 'test/webview/**/*.ts', 'test/e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { sourceType: 'commonjs' },
  },
);
