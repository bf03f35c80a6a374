// The management API under /api/v1: health is public, everything after the auth chain is not.
import { Router } from 'express';
import { requireAuth, type AuthScheme } from './auth.js';
import { healthRoutes, type DependencyCheck } from '@hookway/http';
import { integrationRoutes } from './integrations.routes.js';
import { eventRoutes, type EventRouteDependencies } from './events.routes.js';
import { deliveryRoutes } from './deliveries.routes.js';
import { auditEntryRoutes } from './audit-entries.routes.js';
import type { IntegrationRepository } from '../../data-access/integration.repository.js';
import type { DeliveryAttemptRepository } from '../../data-access/delivery-attempt.repository.js';
import type { AuditEntryRepository } from '../../data-access/audit-entry.repository.js';

export interface ManagementApiDependencies extends EventRouteDependencies {
  health: Record<string, DependencyCheck>;
  authSchemes: AuthScheme[];
  integrations: IntegrationRepository;
  attempts: DeliveryAttemptRepository;
  auditEntries: AuditEntryRepository;
}

export function managementApi(deps: ManagementApiDependencies): Router {
  const router = Router();
  router.use(healthRoutes(deps.health));
  router.use(requireAuth(deps.authSchemes));
  router.use(integrationRoutes(deps.integrations));
  router.use(eventRoutes(deps));
  router.use(deliveryRoutes(deps.attempts));
  router.use(auditEntryRoutes(deps.auditEntries));
  return router;
}
