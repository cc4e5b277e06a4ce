// Lint: async-safety rules on, and the pipeline's one-way dependency direction
// enforced per stage (see DESIGN.md): a stage imports only core/ and stages to its left.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const stages = ['core', 'config', 'collect', 'store', 'analyze', 'alert', 'notify', 'export', 'server', 'monitor', 'cli'];
// What each stage may NOT import (everything to its right, plus the composition layers).
const forbidden = {
  core: ['config', 'collect', 'store', 'analyze', 'alert', 'notify', 'export', 'server', 'monitor', 'cli'],
  config: ['collect', 'store', 'analyze', 'alert', 'notify', 'export', 'server', 'monitor', 'cli'],
  collect: ['store', 'analyze', 'alert', 'notify', 'export', 'server', 'monitor', 'cli'],
  store: ['collect', 'analyze', 'alert', 'notify', 'export', 'server', 'monitor', 'cli'],
  analyze: ['collect', 'alert', 'notify', 'export', 'server', 'monitor', 'cli'],
  alert: ['collect', 'notify', 'export', 'server', 'monitor', 'cli'],
  notify: ['collect', 'analyze', 'export', 'server', 'monitor', 'cli'],
  export: ['collect', 'analyze', 'alert', 'notify', 'server', 'monitor', 'cli'],
  server: ['monitor', 'cli'],
  monitor: ['cli'],
  cli: [],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'scripts/**', 'eslint.config.mjs', 'stryker.config.mjs', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', 'ExportAllDeclaration'],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/cli/**'],
    rules: { 'no-console': 'error' },
  },
  ...stages.map((stage) => ({
    files: [`src/${stage}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: forbidden[stage].map((f) => ({
            group: [`**/${f}/*`, `../${f}`, `../../${f}`],
            message: `src/${stage} may not import from src/${f}: the pipeline flows one way (DESIGN.md).`,
          })),
        },
      ],
    },
  })),
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
