// The fault suite: real services as child processes, run one file at a time (some scenarios stop
// RabbitMQ or PostgreSQL for everyone on the machine). `pnpm run test:faults`.
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: [],
  maxWorkers: 1,
  testTimeout: 240_000,
};
