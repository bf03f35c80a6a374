export { constantTimeEqual, hmacSha256Hex } from './hmac.js';
export {
  generateSigningSecret,
  signStandardWebhook,
  standardWebhookSignature,
  type StandardWebhookHeaders,
} from './standard-webhooks.js';
export { keyIdOf, SealedValueError, SecretBox, sealingKeyId, UnknownSealingKeyError, unopenableReason } from './secret-box.js';
export { API_KEY_PREFIX, generateApiKey, hashApiKey, looksLikeApiKey, type NewApiKey } from './api-keys.js';
