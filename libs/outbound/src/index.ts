export { buildWebhookRequest, signJsonRequest, isReservedHeader, USER_AGENT, type SigningInput, type OutboundEvent, type WebhookRequest } from './webhook-request.js';
export {
  WebhookClient, errorCodeOf, keepAliveAgents, RESPONSE_BODY_LIMIT, type KeepAliveAgents, type WebhookClientOptions, type WebhookResult, type WebhookSender,
} from './webhook-client.js';
export { SsrfGuard, SsrfBlockedError, type GuardedLookup, type LookupCallback } from './ssrf-guard.js';
