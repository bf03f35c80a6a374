// One jest run over every workspace package. ESM throughout (ts-jest useESM), workspace packages
// resolved to their TypeScript sources through the "development" export condition.
/** @type {import('jest').Config} */
export default {
  // Node's environment, plus a report of what keeps a worker alive when jest asks it to exit.
  testEnvironment: '<rootDir>/test/support/jest-environment.js',
  testEnvironmentOptions: { customExportConditions: ['development', 'node', 'node-addons'] },
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  // The fault suite runs on its own, serially, after this one (jest.faults.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testTimeout: 30_000,
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
};
