// Workspaces and their API keys: the vocabulary every service shares (issue 20).

/** The workspace that holds every row written without naming one (all that existed before workspaces). */
export const DEFAULT_WORKSPACE_ID = '00000000-0000-0000-0000-000000000001';
export const DEFAULT_WORKSPACE_SLUG = 'default';

/** What a workspace API key may do: publish events (ingress), read or change its workspace (management). */
export const API_KEY_SCOPES = ['events:publish', 'webhooks:read', 'webhooks:write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The provider of events an application publishes itself (POST /api/v1/events); integrations subscribe to it by name. */
export const PUBLISHED_EVENT_PROVIDER = 'api';

/** What every publish Idempotency-Key scope starts with (ingress purges the rows of closed windows by it). */
export const PUBLISH_IDEMPOTENCY_SCOPE_PREFIX = 'publish:';

/** The Idempotency-Key scope of a workspace's published events (rows of idempotency_keys). */
export function publishIdempotencyScope(workspaceId: string): string {
  return `${PUBLISH_IDEMPOTENCY_SCOPE_PREFIX}${workspaceId}`;
}
