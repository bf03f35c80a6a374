// The management API under /api/v1: health is public; everything after managementAuth needs the API key or a
// Bearer JWT with webhooks:read (GET) or webhooks:write (everything else).
import { Router, type RequestHandler } from 'express';
import { healthRoutes, openApiRequestValidator, openApiRoutes, type DependencyCheck, type OpenApiDocument } from '@hookway/http';
import type { AuditEntryReader, DeliveryAttemptStore, OverviewReader } from '../../domain/ports.js';
import { auditEntryRoutes } from './audit-entries.routes.js';
import { deadLetterRoutes, type DeadLetterRouteDependencies } from './dead-letters.routes.js';
import { deliveryRoutes } from './deliveries.routes.js';
import { domainErrors } from './errors.js';
import { eventRoutes, type EventRouteDependencies } from './events.routes.js';
import { integrationRoutes, type IntegrationRouteDependencies } from './integrations.routes.js';
import { jobRoutes } from './jobs.routes.js';
import { sourceRoutes } from './sources.routes.js';
import type { SourceService } from '../../domain/source.service.js';
import { statsRoutes } from './stats.routes.js';
import { streamRoutes } from './stream.routes.js';
import type { WorkspaceService } from '../../domain/workspace.service.js';
import { workspaceRoutes } from './workspaces.routes.js';

export interface ManagementApiDependencies extends EventRouteDependencies, IntegrationRouteDependencies, DeadLetterRouteDependencies {
  health: Record<string, DependencyCheck>;
  /** The contract: served at /openapi.json, and every request is validated against it. */
  openApi: OpenApiDocument;
  auth: RequestHandler;
  /** GET /stream, with its own auth (the key may come as ?key=) mounted ahead of the shared one. */
  stream: Parameters<typeof streamRoutes>[0];
  attempts: DeliveryAttemptStore;
  auditEntries: AuditEntryReader;
  sourceService: SourceService;
  overview: OverviewReader;
  workspaceService: WorkspaceService;
}

export function managementApi(deps: ManagementApiDependencies): Router {
  const router = Router();
  router.use(healthRoutes(deps.health));
  router.use(openApiRoutes(deps.openApi));
  // The spec is the only request schema: routes read what it let through (requests.ts).
  const validateRequest = openApiRequestValidator(deps.openApi);
  router.use(streamRoutes(deps.stream, validateRequest));
  router.use(deps.auth);
  router.use(validateRequest);
  router.use(integrationRoutes(deps));
  router.use(sourceRoutes(deps));
  router.use(eventRoutes(deps));
  router.use(jobRoutes(deps.jobOperations));
  router.use(deadLetterRoutes(deps));
  router.use(deliveryRoutes(deps.attempts));
  router.use(auditEntryRoutes(deps.auditEntries));
  router.use(statsRoutes(deps.overview));
  router.use(workspaceRoutes(deps));
  router.use(domainErrors());
  return router;
}
