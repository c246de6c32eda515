import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'coverage/', '.bench/', '.stryker/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The console's page: its own project (DOM types, no Node), built by tsconfig.web.json.
    files: ['src/console/web/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: ['./tsconfig.web.json'] },
      globals: { window: 'readonly', document: 'readonly' },
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The benchmark's floor: plain JavaScript on purpose, so it needs no build step.
    files: ['test/bench/floor/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', Buffer: 'readonly', fetch: 'readonly' } },
  },
  {
    // Tool configs in CommonJS (dependency-cruiser loads .cjs): outside the TypeScript project.
    files: ['**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
  {
    // Stryker's config (ES module): outside the TypeScript project.
    files: ['stryker.config.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
