// Verifier presets: each checks a sender's credentials over the raw bytes, before anything parses them, the
// way that provider's own library signs. MACs are compared in constant time; a secret in its rotation grace
// window is tried after the current one. A timestamp is judged only once its signature proved authentic, so
// the tolerance code never tells a forger anything.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEFAULT_TOLERANCE_SECONDS, type VerifierConfig } from '@hookway/contracts';
import { constantTimeEqual } from '@hookway/signing';
import { AuthenticationError } from '../intake-errors.js';
import { singleHeader, type RequestHeaders } from '../providers/provider.js';

export interface VerifyInput {
  headers: RequestHeaders;
  rawBody: Buffer;
  /** The current secret first, then any still in its grace window. Empty only for `none`. */
  secrets: readonly string[];
  nowSeconds: number;
}

export type Verify = (input: VerifyInput) => void;

type Algorithm = 'sha256' | 'sha1' | 'sha512';

const invalidSignature = (header: string): AuthenticationError =>
  new AuthenticationError('INVALID_SIGNATURE', `${header} is missing or does not match the body`);

function staleTimestamp(header: string, toleranceSeconds: number): AuthenticationError {
  return new AuthenticationError('TIMESTAMP_OUT_OF_TOLERANCE', `${header} is more than ${toleranceSeconds} seconds away from the current time`);
}

function mac(algorithm: Algorithm, key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const hmac = createHmac(algorithm, key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** Equal-length digests compared in constant time; a different length is public (the encoding shows it). */
function sameDigest(offered: Buffer | undefined, expected: Buffer): boolean {
  return offered !== undefined && offered.length === expected.length && timingSafeEqual(offered, expected);
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decode(text: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  if (encoding === 'hex') return text.length % 2 === 0 && HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** Whole seconds since the epoch, or undefined for anything else. */
function unixSeconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,12}$/.test(text)) return undefined;
  return Number(text);
}

function withinTolerance(timestamp: number, nowSeconds: number, toleranceSeconds: number): boolean {
  return Math.abs(nowSeconds - timestamp) <= toleranceSeconds;
}

/** True when any secret's MAC matches any offered signature (every pair is computed: no early exit by secret). */
function anyMatches(secrets: readonly string[], offered: readonly Buffer[], expectedFor: (secret: string) => Buffer): boolean {
  let matched = false;
  for (const secret of secrets) {
    const expected = expectedFor(secret);
    for (const signature of offered) if (sameDigest(signature, expected)) matched = true;
  }
  return matched;
}

function hmacVerifier(config: Extract<VerifierConfig, { type: 'hmac' }>): Verify {
  const { header, algorithm, encoding, prefix, timestampHeader } = config;
  const tolerance = config.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  return ({ headers, rawBody, secrets, nowSeconds }) => {
    let text = singleHeader(headers, header)?.trim() ?? '';
    if (prefix !== undefined && text.startsWith(prefix)) text = text.slice(prefix.length);
    const offered = decode(text, encoding);
    const timestampText = timestampHeader === undefined ? undefined : singleHeader(headers, timestampHeader)?.trim();
    const timestamp = unixSeconds(timestampText);
    if (timestampHeader !== undefined && timestamp === undefined) throw invalidSignature(header);
    const parts = timestampHeader === undefined ? [rawBody] : [`${timestampText}.`, rawBody];
    if (!offered || !anyMatches(secrets, [offered], (secret) => mac(algorithm, secret, ...parts))) throw invalidSignature(header);
    if (timestampHeader !== undefined && !withinTolerance(timestamp!, nowSeconds, tolerance)) throw staleTimestamp(timestampHeader, tolerance);
  };
}

/** GitHub: `x-hub-signature-256: sha256=<hex HMAC-SHA256(secret, body)>`. */
function githubVerifier(): Verify {
  const header = 'x-hub-signature-256';
  return ({ headers, rawBody, secrets }) => {
    const text = singleHeader(headers, header)?.trim() ?? '';
    const offered = text.startsWith('sha256=') ? decode(text.slice(7), 'hex') : undefined;
    if (!offered || !anyMatches(secrets, [offered], (secret) => mac('sha256', secret, rawBody))) throw invalidSignature(header);
  };
}

/** Stripe: `stripe-signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>[,v1=...]`. */
function stripeVerifier(toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): Verify {
  const header = 'stripe-signature';
  return ({ headers, rawBody, secrets, nowSeconds }) => {
    const items = (singleHeader(headers, header) ?? '').split(',').map((item) => item.trim().split('='));
    const timestampText = items.find(([name]) => name === 't')?.[1];
    const timestamp = unixSeconds(timestampText);
    const offered = items.filter(([name]) => name === 'v1').map(([, value]) => decode(value ?? '', 'hex')).filter((value) => value !== undefined);
    if (timestamp === undefined || offered.length === 0) throw invalidSignature(header);
    if (!anyMatches(secrets, offered, (secret) => mac('sha256', secret, `${timestampText}.`, rawBody))) throw invalidSignature(header);
    if (!withinTolerance(timestamp, nowSeconds, toleranceSeconds)) throw staleTimestamp(header, toleranceSeconds);
  };
}

/** Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` (space-separated, several allowed). */
function standardWebhooksVerifier(toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): Verify {
  const header = 'webhook-signature';
  const keyOf = (secret: string): Buffer => Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return ({ headers, rawBody, secrets, nowSeconds }) => {
    const id = singleHeader(headers, 'webhook-id');
    const timestampText = singleHeader(headers, 'webhook-timestamp')?.trim();
    const timestamp = unixSeconds(timestampText);
    const offered = (singleHeader(headers, header) ?? '').split(' ')
      .map((item) => item.split(','))
      .filter(([version]) => version === 'v1')
      .map(([, value]) => decode(value ?? '', 'base64'))
      .filter((value) => value !== undefined);
    if (id === undefined || timestamp === undefined || offered.length === 0) throw invalidSignature(header);
    if (!anyMatches(secrets, offered, (secret) => mac('sha256', keyOf(secret), `${id}.${timestampText}.`, rawBody))) throw invalidSignature(header);
    if (!withinTolerance(timestamp, nowSeconds, toleranceSeconds)) throw staleTimestamp('webhook-timestamp', toleranceSeconds);
  };
}

/** Shopify: `x-shopify-hmac-sha256: <base64 HMAC-SHA256(secret, body)>`. */
function shopifyVerifier(): Verify {
  const header = 'x-shopify-hmac-sha256';
  return ({ headers, rawBody, secrets }) => {
    const offered = decode(singleHeader(headers, header)?.trim() ?? '', 'base64');
    if (!offered || !anyMatches(secrets, [offered], (secret) => mac('sha256', secret, rawBody))) throw invalidSignature(header);
  };
}

/** Slack: `x-slack-signature: v0=<hex HMAC-SHA256(secret, "v0:<x-slack-request-timestamp>:<body>")>`. */
function slackVerifier(toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): Verify {
  const header = 'x-slack-signature';
  return ({ headers, rawBody, secrets, nowSeconds }) => {
    const text = singleHeader(headers, header)?.trim() ?? '';
    const offered = text.startsWith('v0=') ? decode(text.slice(3), 'hex') : undefined;
    const timestampText = singleHeader(headers, 'x-slack-request-timestamp')?.trim();
    const timestamp = unixSeconds(timestampText);
    if (!offered || timestamp === undefined) throw invalidSignature(header);
    if (!anyMatches(secrets, [offered], (secret) => mac('sha256', secret, `v0:${timestampText}:`, rawBody))) throw invalidSignature(header);
    if (!withinTolerance(timestamp, nowSeconds, toleranceSeconds)) throw staleTimestamp('x-slack-request-timestamp', toleranceSeconds);
  };
}

/** A shared token in a header of the operator's choosing, compared in constant time. */
function tokenVerifier(header: string): Verify {
  return ({ headers, secrets }) => {
    const offered = singleHeader(headers, header);
    let matched = false;
    for (const secret of secrets) if (offered !== undefined && constantTimeEqual(offered, secret)) matched = true;
    if (!matched) throw new AuthenticationError('INVALID_TOKEN', `${header} is missing or wrong`);
  };
}

/** HTTP Basic: the configured user name and the source's secret as the password. */
function basicVerifier(username: string): Verify {
  return ({ headers, secrets }) => {
    const text = singleHeader(headers, 'authorization') ?? '';
    const decoded = /^basic\s+/i.test(text) ? Buffer.from(text.replace(/^basic\s+/i, ''), 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? '' : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    let matched = false;
    for (const secret of secrets) if (constantTimeEqual(user, username) && constantTimeEqual(password, secret) && colon >= 0) matched = true;
    if (!matched) throw new AuthenticationError('INVALID_CREDENTIALS', 'authorization does not carry the expected user and password', 'basic');
  };
}

export function createVerifier(config: VerifierConfig): Verify {
  switch (config.type) {
    case 'github': return githubVerifier();
    case 'stripe': return stripeVerifier(config.toleranceSeconds);
    case 'standard-webhooks': return standardWebhooksVerifier(config.toleranceSeconds);
    case 'shopify': return shopifyVerifier();
    case 'slack': return slackVerifier(config.toleranceSeconds);
    case 'hmac': return hmacVerifier(config);
    case 'token': return tokenVerifier(config.header);
    case 'basic': return basicVerifier(config.username);
    case 'none': return () => undefined;
  }
}
