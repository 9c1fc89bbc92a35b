// Type-aware lint for the whole package. The core must stay pure: no wall clock,
// no ambient randomness, no timers and no Node built-ins (DESIGN.md, convention 1).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use a union of string literals or `as const` instead of enum.',
        },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No namespaces: use modules.' },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'src/core is pure: no Node built-ins.' },
            { group: ['../*', '!../core/*'], message: 'src/core imports nothing outside core.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected Clock.' },
        { object: 'Math', property: 'random', message: 'Use the injected seeded Rng.' },
        { object: 'performance', property: 'now', message: 'Use the injected Clock.' },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'No timers in the core.' },
        { name: 'setInterval', message: 'No timers in the core.' },
        { name: 'setImmediate', message: 'No timers in the core.' },
        { name: 'queueMicrotask', message: 'No timers in the core.' },
      ],
    },
  },
  // Function size and branching (issue 11, item 5). Across src/ the caps are what the code
  // meets today, so no function grows past the worst one; lower them as long factories are
  // split. The request path already split (admit's steps, the gateway, range density) keeps
  // to 60 lines and complexity 15.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 200, skipBlankLines: true, skipComments: true }],
      complexity: ['error', 73],
    },
  },
  {
    files: [
      'src/pipeline/admit/*.ts',
      'src/pipeline/pipeline.ts',
      'src/pipeline/respond.ts',
      'src/gateway/server.ts',
      'src/gateway/server-guards.ts',
      'src/gateway/handle-request.ts',
      'src/gateway/forward.ts',
      'src/core/range-density.ts',
      'src/core/range-density-*.ts',
      'src/core/block-contributors.ts',
    ],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      complexity: ['error', 15],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);
