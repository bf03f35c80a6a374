// Inbound sources as data: how a source's webhooks are verified (a preset or a generic scheme) and how its
// payload maps onto Hookway's normalized event. Management validates these shapes; ingress executes them.
import type { ErrorObject } from 'ajv';
import { ajv } from './validator.js';

export const VERIFIER_TYPES = ['github', 'stripe', 'standard-webhooks', 'shopify', 'slack', 'hmac', 'token', 'basic', 'none'] as const;
export type VerifierType = (typeof VERIFIER_TYPES)[number];

export const HMAC_ALGORITHMS = ['sha256', 'sha1', 'sha512'] as const;
export const HMAC_ENCODINGS = ['hex', 'base64'] as const;

/** How far a signed timestamp may be from ingress's clock when the verifier does not say. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type VerifierConfig =
  | { type: 'github' }
  | { type: 'stripe'; toleranceSeconds?: number }
  | { type: 'standard-webhooks'; toleranceSeconds?: number }
  | { type: 'shopify' }
  | { type: 'slack'; toleranceSeconds?: number }
  | {
    type: 'hmac';
    header: string;
    algorithm: (typeof HMAC_ALGORITHMS)[number];
    encoding: (typeof HMAC_ENCODINGS)[number];
    /** Stripped when the signature carries it (`sha256=`); a bare signature is accepted too. */
    prefix?: string;
    /** With a timestamp header the MAC covers `<timestamp>.<body>` and the timestamp must be within tolerance. */
    timestampHeader?: string;
    toleranceSeconds?: number;
  }
  | { type: 'token'; header: string }
  | { type: 'basic'; username: string }
  | { type: 'none' };

/**
 * Where one normalized field comes from: the JSON pointer's value if it is there, else the header's, else (eventId
 * only) a hash of the body. A suffix, when present, is appended after the separator (`issues` + `.` + `opened`).
 */
export interface FieldMapping {
  pointer?: string;
  header?: string;
  fallback?: 'bodyHash';
  suffix?: { pointer?: string; header?: string; separator?: string };
}

export interface SourceMapping {
  eventId: FieldMapping;
  eventType: FieldMapping;
  /** ISO 8601 or unix seconds; the received time when absent. */
  occurredAt?: FieldMapping;
  /** A string of at most 1,000 characters, else null. */
  subject?: FieldMapping;
  /** JSON pointer of the event's data object; the whole payload when absent. */
  data?: string;
  /** A JSON Schema the payload must satisfy before it is mapped (400 INVALID_PAYLOAD naming each problem). */
  schema?: Record<string, unknown>;
}

export interface SourceRateLimit {
  /** Sustained requests per second across all replicas. */
  perSecond: number;
  /** Requests that may arrive at once above the sustained rate. */
  burst: number;
}

export const SOURCE_STATES = ['active', 'paused'] as const;
export type SourceState = (typeof SOURCE_STATES)[number];

/** A source key is the path segment of `POST /webhooks/:key` and the `provider` of its events. */
export const SOURCE_KEY_PATTERN = '^[a-z0-9][a-z0-9_-]{0,62}$';

// A header name as node lower-cases it, an RFC 9110 token.
const headerName = { type: 'string', minLength: 1, maxLength: 100, pattern: "^[!#$%&'*+.^_`|~0-9a-z-]+$" } as const;
const tolerance = { type: 'integer', minimum: 1, maximum: 86_400 } as const;
const pointer = { type: 'string', maxLength: 500, pattern: '^(/[^/]*)*$' } as const;

const verifierSchemas: Record<VerifierType, Record<string, unknown>> = {
  github: { properties: {} },
  stripe: { properties: { toleranceSeconds: tolerance } },
  'standard-webhooks': { properties: { toleranceSeconds: tolerance } },
  shopify: { properties: {} },
  slack: { properties: { toleranceSeconds: tolerance } },
  hmac: {
    required: ['header', 'algorithm', 'encoding'],
    properties: {
      header: headerName,
      algorithm: { type: 'string', enum: [...HMAC_ALGORITHMS] },
      encoding: { type: 'string', enum: [...HMAC_ENCODINGS] },
      prefix: { type: 'string', minLength: 1, maxLength: 50 },
      timestampHeader: headerName,
      toleranceSeconds: tolerance,
    },
  },
  token: { required: ['header'], properties: { header: headerName } },
  basic: { required: ['username'], properties: { username: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^:\\r\\n]+$' } } },
  none: { properties: {} },
};

const fieldMapping = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    pointer,
    header: headerName,
    fallback: { type: 'string', enum: ['bodyHash'] },
    suffix: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { pointer, header: headerName, separator: { type: 'string', maxLength: 5 } },
    },
  },
} as const;

const mappingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['eventId', 'eventType'],
  properties: {
    eventId: fieldMapping,
    eventType: fieldMapping,
    occurredAt: fieldMapping,
    subject: fieldMapping,
    data: pointer,
    schema: { type: 'object' },
  },
} as const;

const validators = Object.fromEntries(VERIFIER_TYPES.map((type) => [type, ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['type', ...((verifierSchemas[type].required as string[] | undefined) ?? [])],
  properties: { type: { type: 'string', const: type }, ...(verifierSchemas[type].properties as Record<string, unknown>) },
})])) as Record<VerifierType, ReturnType<typeof ajv.compile>>;
const validateMappingShape = ajv.compile(mappingSchema);

export interface SchemaProblem {
  path: string;
  message: string;
}

function problems(prefix: string, errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  return (errors ?? []).map((error) => ({ path: `${prefix}${error.instancePath}`, message: error.message ?? 'is invalid' }));
}

/** The problems of a verifier configuration; none means it is a VerifierConfig. */
export function verifierProblems(value: unknown, prefix = '/verifier'): SchemaProblem[] {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof value !== 'object' || value === null || !VERIFIER_TYPES.includes(type as VerifierType)) {
    return [{ path: `${prefix}/type`, message: `must be one of ${VERIFIER_TYPES.join(', ')}` }];
  }
  const validate = validators[type as VerifierType];
  return validate(value) ? [] : problems(prefix, validate.errors);
}

/** The problems of a mapping; none means it is a SourceMapping whose schema (if any) compiles. */
export function mappingProblems(value: unknown, prefix = '/mapping'): SchemaProblem[] {
  if (!validateMappingShape(value)) return problems(prefix, validateMappingShape.errors);
  const schema = (value as SourceMapping).schema;
  if (schema !== undefined) {
    try {
      compilePayloadSchema(schema);
    } catch (error) {
      return [{ path: `${prefix}/schema`, message: `is not a usable JSON Schema: ${(error as Error).message}` }];
    }
  }
  return [];
}

/** Compiles an operator's payload schema; ajv caches by content, so each distinct schema is compiled once. */
export function compilePayloadSchema(schema: Record<string, unknown>): ReturnType<typeof ajv.compile> {
  return ajv.compile(schema);
}

/** What a preset maps by default: where each provider puts its delivery id, type and time. */
export const DEFAULT_MAPPINGS: Record<VerifierType, SourceMapping> = {
  github: {
    eventId: { header: 'x-github-delivery', fallback: 'bodyHash' },
    eventType: { header: 'x-github-event', suffix: { pointer: '/action', separator: '.' } },
    subject: { pointer: '/repository/full_name' },
  },
  stripe: {
    eventId: { pointer: '/id' },
    eventType: { pointer: '/type' },
    occurredAt: { pointer: '/created' },
    subject: { pointer: '/data/object/id' },
  },
  'standard-webhooks': {
    eventId: { header: 'webhook-id' },
    eventType: { pointer: '/type' },
    occurredAt: { pointer: '/timestamp' },
  },
  shopify: {
    eventId: { header: 'x-shopify-webhook-id', fallback: 'bodyHash' },
    eventType: { header: 'x-shopify-topic' },
    occurredAt: { header: 'x-shopify-triggered-at' },
    subject: { header: 'x-shopify-shop-domain' },
  },
  slack: {
    eventId: { pointer: '/event_id', fallback: 'bodyHash' },
    eventType: { pointer: '/type', suffix: { pointer: '/event/type', separator: '.' } },
    occurredAt: { pointer: '/event_time' },
    subject: { pointer: '/team_id' },
  },
  hmac: { eventId: { pointer: '/id', fallback: 'bodyHash' }, eventType: { pointer: '/type' } },
  token: { eventId: { pointer: '/id', fallback: 'bodyHash' }, eventType: { pointer: '/type' } },
  basic: { eventId: { pointer: '/id', fallback: 'bodyHash' }, eventType: { pointer: '/type' } },
  none: { eventId: { pointer: '/id', fallback: 'bodyHash' }, eventType: { pointer: '/type' } },
};

/** The header that carries a credential a reader could replay (a MAC over one body is not one). */
export function credentialHeaders(verifier: VerifierConfig): string[] {
  if (verifier.type === 'token') return [verifier.header];
  return [];
}

/** Verifiers that need a secret; `none` is the only one without. */
export function needsSecret(verifier: VerifierConfig): boolean {
  return verifier.type !== 'none';
}
