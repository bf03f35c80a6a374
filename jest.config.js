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
  // Jest kills a worker still alive 500 ms after its end message and prints "failed to exit gracefully". On a
  // loaded machine a worker with nothing left open can need longer than that to get the CPU and exit (its
  // exit report, due at 400 ms, did not even run before the kill in a stress-ng run). A leak still shows: an
  // idle worker prints its exit report at 400 ms (test/support/jest-environment.js).
  workerGracefulExitTimeout: 5_000,
};
