export { createHttpApp, jsonBody, notFoundHandler, errorHandler, type HttpAppOptions } from './app.js';
export { AppError, badRequest, notFound, conflict, unauthorized, forbidden, unavailable } from './errors.js';
export { sendData, sendError, pageMeta, type PageMeta } from './envelope.js';
export { apiKeyAuth, managementAuth, API_KEY_ACTOR, READ_SCOPE, WRITE_SCOPE, type ManagementAuthOptions } from './auth.js';
export { isUuid } from './validation.js';
export { listen, type RunningServer } from './server.js';
export { healthRoutes, type DependencyCheck, type CheckResult } from './health.js';
export { httpMetrics } from './metrics.js';
export { loadOpenApi, openApiRoutes, openApiRequestValidator, type OpenApiDocument } from './openapi.js';
