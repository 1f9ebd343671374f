// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries (see shared/STYLE.md): a library is imported only through
 * its index (`@guichet/<name>`), dependencies point down the list below and
 * never back up, the web app imports only the browser-safe shared library,
 * and there are no cycles.
 */
const LAYERS = [
  'shared',
  'workflow',
  'config',
  'observability',
  'persistence',
  'queue',
  'identity',
  'forms',
  'submissions',
  'notify',
  'desk',
  // Development only (npm start without SMTP_URL, tests, benches): no library below may import it.
  'mail-catcher',
];

/** The server-side apps (the web app has its own rule: it imports only @guichet/shared). */
const SERVER_APPS = ['api', 'worker', 'idp', 'mailcatcher', 'fake-apis'];

const deepImports = {
  group: ['@guichet/*/*', '**/libs/*/src/*', '**/libs/*/src/*/**'],
  message: 'Import a library through its index: @guichet/<name>.',
};

/** For a library at `index` in LAYERS, forbid importing any library above it. */
function layerRule(name) {
  const above = LAYERS.slice(LAYERS.indexOf(name)).map((n) => `@guichet/${n}`);
  return {
    files: [`libs/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImports,
            {
              group: above.filter((n) => n !== `@guichet/${name}`),
              message: `libs/${name} sits below these libraries: dependencies point down (${LAYERS.join(' < ')}).`,
            },
            { group: ['@nestjs/*', '**/apps/**'], message: 'Libraries do not depend on apps or on Nest.' },
          ].filter((p) => p.group.length > 0),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'var/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.json', 'apps/web/tsconfig.json', 'test/browser/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: [deepImports] }],
    },
  },
  ...LAYERS.map(layerRule),
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // The two classic rules of hooks (not v7's React Compiler set): hooks called unconditionally, effects and
      // memos listing what they read. An effect that must not re-run says why, next to its disable comment.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImports,
            {
              group: ['@guichet/*', '!@guichet/shared', '@nestjs/*', 'typeorm', 'bullmq', 'pg', 'ioredis', 'node:*'],
              message: 'The web app imports only @guichet/shared (browser-safe).',
            },
          ],
        },
      ],
    },
  },
  // An app does not reach into another app's sources: what two apps share lives in a library. Scripts are the
  // command line of the libraries, except the launcher (scripts/start.ts), which starts the bundled fake APIs.
  ...SERVER_APPS.map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImports,
            {
              group: SERVER_APPS.filter((other) => other !== app).flatMap((other) => [`**/${other}/src/**`]),
              message: 'An app does not import another app: move what they share into a library.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['scripts/**/*.ts'],
    ignores: ['scripts/start.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImports,
            { group: ['**/apps/**'], message: 'Scripts use the libraries (@guichet/*), not the apps’ sources.' },
          ],
        },
      ],
    },
  },
  // Type-aware rules on the product's code (what runs in production): a promise nobody awaits or handles loses its
  // error (an unhandled rejection stops the process), and one passed where a function returning nothing is
  // expected (an event handler, an executor) is never awaited. Tests and benches are left to the plain rules.
  {
    files: ['apps/**/*.{ts,tsx}', 'libs/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.spec.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
