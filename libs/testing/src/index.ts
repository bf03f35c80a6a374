export { createTestDatabase, type TestDatabase } from './database.js';
export { createTestBroker, TEST_RABBITMQ_URL, uniquePrefix, type TestBroker } from './broker.js';
export { startReceiver, type Receiver, type ReceivedRequest, type ReceiverHooks, type ReceiverReply } from './receiver.js';
export { testConfig, silentLogger, captureLogger, TEST_RETRY_SCHEDULE_MS } from './config.js';
export { waitFor } from './wait.js';
export {
  failedStartFixture, occupiedPort, sessionsSettled, tcpHandles, tcpHandlesSettled, type FailedStartFixture, type StartLeftovers, type TcpHandles,
} from './open-handles.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export { lintOpenApi, operationsOf, responseChecker, type LintProblem, type OperationCall, type ResponseChecker } from './openapi.js';
export { referenceMatches, referenceEventArbitrary, referenceFilterArbitrary, type ReferenceEvent } from './filter-reference.js';
export { legacySeal } from './legacy-seal.js';
export { seedIntegration, type IntegrationSeed } from './integrations.js';
export { seedWorkspace, seedApiKey, type ApiKeySeed } from './workspaces.js';
