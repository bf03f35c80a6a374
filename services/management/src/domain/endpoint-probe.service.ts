// Reaching an integration's endpoint on an operator's demand, signed exactly as deliveries are (current
// secret plus one still in its grace window, the integration's headers): the test ping, and the
// URL-ownership handshake that requires the endpoint to echo a challenge. Neither is a delivery job.
import { randomBytes, randomUUID } from 'node:crypto';
import { buildWebhookRequest, signJsonRequest, type WebhookResult, type WebhookSender } from '@hookway/outbound';
import { unopenableReason } from '@hookway/signing';
import {
  auditableUrl, IntegrationNotFoundError, operatorFact, SecretUnopenableError, type MessagePublisher, type OperatorContext,
} from './operator.js';
import type { InTransaction, IntegrationStore, SigningTarget, WorkspaceScope } from './ports.js';

export const TEST_EVENT_TYPE = 'hookway.test';
export const VERIFICATION_TYPE = 'hookway.verification';

export interface TestPingResult {
  success: boolean;
  statusCode: number | null;
  latencyMs: number;
  /** First 4 KiB of the response body. */
  responseBody: string | null;
  errorCode: string | null;
  /** The webhook-signature header sent, so a receiver's verifier can be checked against it. */
  signature: string;
  webhookId: string;
}

export interface VerificationResult {
  verified: boolean;
  reason?: string;
}

export interface EndpointProbeDeps {
  integrations: IntegrationStore;
  inTransaction: InTransaction;
  sender: WebhookSender;
  openSecret: (sealed: string) => string;
  publisher: MessagePublisher;
}

/** Whether the handshake answer echoes the challenge, and if not, why not in a few words. */
export function judgeVerification(result: WebhookResult, challenge: string): VerificationResult {
  if (result.kind === 'error') return { verified: false, reason: result.errorCode };
  if (result.statusCode < 200 || result.statusCode > 299) return { verified: false, reason: `HTTP ${result.statusCode}` };
  let answer: unknown;
  try {
    answer = JSON.parse(result.responseBody);
  } catch {
    return { verified: false, reason: 'response is not JSON' };
  }
  const echoed = answer !== null && typeof answer === 'object' && (answer as { challenge?: unknown }).challenge === challenge;
  return echoed ? { verified: true } : { verified: false, reason: 'challenge not echoed' };
}

export class EndpointProbeService {
  constructor(private readonly deps: EndpointProbeDeps) {}

  private async target(id: string, scope: WorkspaceScope): Promise<{ target: SigningTarget; secrets: string[] }> {
    const target = await this.deps.integrations.signingTarget(id, scope);
    if (!target) throw new IntegrationNotFoundError(id);
    const sealed = [target.secretSealed, ...(target.previousSecretSealed ? [target.previousSecretSealed] : [])];
    try {
      return { target, secrets: sealed.map((box) => this.deps.openSecret(box)) };
    } catch (error) {
      throw new SecretUnopenableError(id, unopenableReason(error));
    }
  }

  /** Sends a synthetic hookway.test event now and reports the answer; audited, not recorded as an attempt. */
  async test(id: string, context: OperatorContext): Promise<TestPingResult> {
    const { target, secrets } = await this.target(id, context);
    const request = buildWebhookRequest({
      event: {
        id: randomUUID(),
        type: TEST_EVENT_TYPE,
        provider: target.provider,
        occurredAt: new Date(),
        subject: null,
        data: { message: 'Test webhook from Hookway' },
      },
      secrets,
      customHeaders: target.headers,
    });
    const result = await this.deps.sender.send(target.url, request);
    const success = result.kind === 'response' && result.statusCode >= 200 && result.statusCode <= 299;
    const ping: TestPingResult = {
      success,
      statusCode: result.kind === 'response' ? result.statusCode : null,
      latencyMs: result.latencyMs,
      responseBody: result.responseBody,
      errorCode: result.kind === 'error' ? result.errorCode : success ? null : `HTTP_${result.statusCode}`,
      signature: request.headers['webhook-signature'] ?? '',
      webhookId: request.headers['webhook-id'] ?? '',
    };
    await this.deps.publisher.publishAudit(operatorFact(context, {
      entityType: 'integration', entityId: id, action: 'tested', workspaceId: target.workspaceId,
      details: { urlOrigin: auditableUrl(target.url), webhookId: ping.webhookId, success, statusCode: ping.statusCode, errorCode: ping.errorCode, latencyMs: ping.latencyMs },
    }));
    return ping;
  }

  /**
   * POSTs a signed {type: "hookway.verification", challenge} and passes only when a 2xx JSON answer echoes the
   * challenge in time. A pass sets verified_at (unless the URL changed meanwhile); a failure leaves it alone.
   */
  async verify(id: string, context: OperatorContext): Promise<VerificationResult> {
    const { target, secrets } = await this.target(id, context);
    const challenge = randomBytes(16).toString('hex');
    const request = signJsonRequest({
      id: randomUUID(),
      body: JSON.stringify({ type: VERIFICATION_TYPE, challenge }),
      secrets,
      customHeaders: target.headers,
    });
    const verdict = judgeVerification(await this.deps.sender.send(target.url, request), challenge);
    return this.deps.inTransaction(async (unit) => {
      if (verdict.verified) await unit.integrations.markVerified(id, target.url);
      await this.deps.publisher.publishAudit(operatorFact(context, {
        entityType: 'integration', entityId: id, action: verdict.verified ? 'verified' : 'verification_failed', workspaceId: target.workspaceId,
        details: { urlOrigin: auditableUrl(target.url), ...(verdict.reason ? { reason: verdict.reason } : {}) },
      }));
      return verdict;
    });
  }
}
