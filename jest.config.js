// Five projects over one ts-jest setup: `unit` (pure code beside the sources), `medium`
// (services with their real modules against the run's PostgreSQL and Redis), `e2e` (the
// HTTP contract), `faults` (dependencies stopped and killed, on servers of their own) and
// `browser` (the ops console in a real browser).
const tsJest = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      tsconfig: {
        target: 'ES2022',
        module: 'commonjs',
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        esModuleInterop: true,
        isolatedModules: true,
        sourceMap: true,
      },
    },
  ],
};

function project(displayName, roots, testRegex, extra = {}) {
  return {
    displayName,
    rootDir: '.',
    roots,
    testRegex,
    transform: tsJest,
    testEnvironment: 'node',
    moduleFileExtensions: ['ts', 'js', 'json'],
    ...extra,
  };
}

// One database and Redis prefix per run, shared by the medium and e2e files.
const runDatabase = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
const failOnUnhandledRejections = { testEnvironment: '<rootDir>/test/support/test-environment.ts' };

module.exports = {
  projects: [
    // The console's logic is unit-tested beside its sources too.
    project('unit', ['<rootDir>/src', '<rootDir>/console/src'], '\\.spec\\.ts$', failOnUnhandledRejections),
    project('medium', ['<rootDir>/test/medium'], '\\.medium-spec\\.ts$', {
      ...runDatabase,
      ...failOnUnhandledRejections,
    }),
    project('e2e', ['<rootDir>/test/e2e'], '\\.e2e-spec\\.ts$', { ...runDatabase, ...failOnUnhandledRejections }),
    project('faults', ['<rootDir>/test/faults'], '\\.fault-spec\\.ts$'),
    // The ops console in Debian's chromium, driven by playwright-core, against the real app.
    project('browser', ['<rootDir>/test/browser'], '\\.browser-spec\\.ts$', {
      ...runDatabase,
      ...failOnUnhandledRejections,
    }),
  ],
  testTimeout: 60000,
};
