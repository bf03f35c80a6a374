export { constantTimeEqual, hmacSha256Hex } from './hmac.js';
export {
  generateSigningSecret,
  signStandardWebhook,
  standardWebhookSignature,
  type StandardWebhookHeaders,
} from './standard-webhooks.js';
export { SecretBox } from './secret-box.js';
