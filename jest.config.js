/** One jest run for every workspace: unit specs next to the code, integration tests under <workspace>/test. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': swc },
  moduleNameMapper: {
    '^@castline/([^/]+)$': '<rootDir>/packages/$1/src',
    // testkit starts the gateway through its package (tsc reads the build's types); tests run its sources.
    '^@castline/gateway/dist/(.*)$': '<rootDir>/services/gateway/src/$1',
    // Generated Prisma sources import siblings as './x.js'; jest resolves the .ts file.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  // Integration tests start real processes and wait on real timeouts.
  testTimeout: 30_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{packages,services,apps}/*/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,services,apps}/*/test/**/*.test.ts', '<rootDir>/scripts/test/**/*.test.ts'],
      // TESTCONTAINERS=1: Postgres, Redis and NATS in containers instead of the servers at the env URLs.
      globalSetup: '<rootDir>/scripts/test/global-setup.ts',
      globalTeardown: '<rootDir>/scripts/test/global-teardown.ts',
    },
  ],
};
