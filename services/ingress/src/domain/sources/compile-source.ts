// Turns one source's configuration into the provider ingress runs: its verifier over the raw bytes with the
// secrets in force (the previous one only until its grace window closes), its mapping, and its rate limiter.
import { credentialHeaders, DEFAULT_WORKSPACE_ID, type SourceMapping, type SourceRateLimit, type SourceState, type VerifierConfig } from '@hookway/contracts';
import type { SourceRateLimiter, WebhookProvider } from '../providers/provider.js';
import { createMapping } from './mapping.js';
import { createVerifier } from './verifiers.js';

export interface SourceDefinition {
  key: string;
  /** Absent for the built-in sources: they belong to the default workspace. */
  workspaceId?: string;
  verifier: VerifierConfig;
  mapping: SourceMapping;
  state: SourceState;
  rateLimit?: SourceRateLimit | null;
}

export interface SourceSecrets {
  current?: string;
  previous?: string;
  previousExpiresAt?: Date | null;
}

export function compileSource(
  definition: SourceDefinition,
  secrets: SourceSecrets,
  options: { rateLimiter?: SourceRateLimiter; now?: () => number } = {},
): WebhookProvider {
  const verify = createVerifier(definition.verifier);
  const map = createMapping(definition.key, definition.mapping);
  const now = options.now ?? Date.now;
  const current = secrets.current === undefined ? [] : [secrets.current];
  const previousUntil = secrets.previous === undefined ? 0 : (secrets.previousExpiresAt?.getTime() ?? 0);
  const withPrevious = secrets.previous === undefined ? current : [...current, secrets.previous];
  return {
    name: definition.key,
    workspaceId: definition.workspaceId ?? DEFAULT_WORKSPACE_ID,
    state: definition.state,
    secretHeaders: credentialHeaders(definition.verifier),
    ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    authenticate(headers, rawBody) {
      const at = now();
      verify({ headers, rawBody, secrets: at < previousUntil ? withPrevious : current, nowSeconds: Math.floor(at / 1000) });
    },
    normalize(json, context) {
      return map({ json, ...context });
    },
  };
}
