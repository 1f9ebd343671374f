/**
 * Six tiers, run in this order by `npm test` so the fast ones fail first:
 * unit (one class, no IO), fuzz (generated inputs against one library, about
 * a minute: kept out of `npm run check`), medium (a library on a real PostgreSQL / Redis),
 * e2e (the API over HTTP with a real worker, in-process), browser (Debian's
 * Chromium with axe), slow (whole processes: `npm start`, a database that
 * goes away).
 */
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// ESM-only packages that @rjsf/utils requires: Node 20.19 loads them with require(), jest's module system does not.
const ESM_ONLY = ['@x0k/json-schema-merge'];

const common = {
  transform: {
    '^.+\\.tsx?$': swc,
    [`node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: [
      '@swc/jest',
      { swcrc: false, jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleNameMapper: { '^@guichet/(.*)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
  rootDir: __dirname,
};

const withServices = {
  ...common,
  setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

// At least two test files at once, even on two cores: medium, e2e and browser files spend most of their time
// waiting on PostgreSQL, HTTP and Chromium (on this 2-core machine the e2e tier went from 187 s to 133 s and the
// browser tier ran in 260 s against about 850 s one at a time). Every file has its own database and queue prefix.
// The browser tier runs three files at once (`npm run test:browser`): a file keeps about half a core busy between its
// Chromium and its in-process API, so two left most of the second core idle (2,085 s of files in 1,048 s); the whole
// tier passed at load 10–12. The slow tier runs two files at once (`npm run test:slow`): each kills and restarts
// processes of its own (a private PostgreSQL or Redis, its own ports and data directory) and spends most of its time
// waiting for them; the whole tier passed two at a time at load 10–16 (one at a time: 229 s on a quiet machine).
const maxWorkers = Math.max(2, require('node:os').availableParallelism() - 1);

module.exports = {
  maxWorkers,
  testSequencer: '<rootDir>/test/support/sequencer.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.fuzz\\.spec\\.ts$'],
    },
    { ...common, displayName: 'fuzz', testMatch: ['<rootDir>/{apps,libs}/**/*.fuzz.spec.ts'] },
    { ...withServices, displayName: 'medium', testMatch: ['<rootDir>/test/medium/**/*.test.ts'] },
    { ...withServices, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...withServices, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
    { ...withServices, displayName: 'slow', testMatch: ['<rootDir>/test/slow/**/*.test.ts'] },
  ],
};
