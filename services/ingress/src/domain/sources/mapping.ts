// A source's mapping from its payload (and headers) to Hookway's normalized event, without code: JSON pointers,
// header names and a body-hash fallback for the id. A payload the mapping cannot read is refused, naming
// the field, before anything is stored.
import { createHash } from 'node:crypto';
import { compilePayloadSchema, describeErrors, type FieldMapping, type SourceMapping } from '@hookway/contracts';
import { InvalidPayloadError } from '../intake-errors.js';
import { singleHeader, type NormalizedWebhook, type RequestHeaders } from '../providers/provider.js';

const MAX_ID_LENGTH = 200;
const MAX_TYPE_LENGTH = 200;
const MAX_SUBJECT_LENGTH = 1_000;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export interface MappingInput {
  json: unknown;
  headers: RequestHeaders;
  rawBody: Buffer;
  receivedAt: Date;
}

export type MapPayload = (input: MappingInput) => NormalizedWebhook;

/** RFC 6901: `/a/b~1c` reads a → "b/c"; "" is the whole document. Undefined when any step is missing. */
export function readPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

/** A scalar as text: strings as they are, finite numbers in their JSON form; anything else is absent. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function unmappable(sourceKey: string, field: string, where: string, message: string): InvalidPayloadError {
  return new InvalidPayloadError(`the ${sourceKey} payload has no usable ${field}`, [{ path: where, message: `${field}: ${message}` }], field);
}

function describe(mapping: FieldMapping): string {
  return [mapping.pointer, mapping.header === undefined ? undefined : `header:${mapping.header}`].filter((part) => part !== undefined).join(' | ') || '/';
}

export function createMapping(sourceKey: string, mapping: SourceMapping): MapPayload {
  const validate = mapping.schema === undefined ? undefined : compilePayloadSchema(mapping.schema);
  const dataPointer = mapping.data ?? '';

  const raw = (field: FieldMapping, input: MappingInput): unknown => {
    if (field.pointer !== undefined) {
      const value = readPointer(input.json, field.pointer);
      if (value !== undefined && value !== null) return value;
    }
    if (field.header !== undefined) {
      const value = singleHeader(input.headers, field.header);
      if (value !== undefined && value !== '') return value;
    }
    if (field.fallback === 'bodyHash') return createHash('sha256').update(input.rawBody).digest('hex');
    return undefined;
  };

  const withSuffix = (field: FieldMapping, input: MappingInput, text: string): string => {
    const suffix = field.suffix;
    if (!suffix) return text;
    const value = scalarText(raw({ ...(suffix.pointer === undefined ? {} : { pointer: suffix.pointer }), ...(suffix.header === undefined ? {} : { header: suffix.header }) }, input));
    return value === undefined ? text : `${text}${suffix.separator ?? '.'}${value}`;
  };

  const required = (name: 'eventId' | 'eventType', field: FieldMapping, input: MappingInput, maxLength: number): string => {
    const value = scalarText(raw(field, input));
    if (value === undefined) throw unmappable(sourceKey, name, describe(field), `no string at ${describe(field)}`);
    const text = withSuffix(field, input, value);
    if (text.length > maxLength) throw unmappable(sourceKey, name, describe(field), `is longer than ${maxLength} characters`);
    return text;
  };

  const occurredAt = (input: MappingInput): string => {
    const field = mapping.occurredAt;
    const value = field === undefined ? undefined : raw(field, input);
    if (value === undefined) return input.receivedAt.toISOString();
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1e11) return new Date(value * 1000).toISOString();
    if (typeof value === 'string' && /^\d{1,11}$/.test(value)) return new Date(Number(value) * 1000).toISOString();
    if (typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return value;
    throw unmappable(sourceKey, 'occurredAt', describe(field!), 'must be an RFC 3339 date-time or unix seconds');
  };

  const subject = (input: MappingInput): string | null => {
    if (mapping.subject === undefined) return null;
    const value = raw(mapping.subject, input);
    return typeof value === 'string' && value.length <= MAX_SUBJECT_LENGTH ? value : null;
  };

  return (input) => {
    if (validate && !validate(input.json)) {
      throw new InvalidPayloadError(`the ${sourceKey} payload does not have the expected shape`, describeErrors(validate.errors));
    }
    if (input.json === null || typeof input.json !== 'object' || Array.isArray(input.json)) {
      throw new InvalidPayloadError(`the ${sourceKey} payload does not have the expected shape`, [{ path: '/', message: 'must be object' }]);
    }
    const data = readPointer(input.json, dataPointer);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw unmappable(sourceKey, 'data', dataPointer || '/', `must be an object at ${dataPointer || '/'}`);
    }
    return {
      externalId: required('eventId', mapping.eventId, input, MAX_ID_LENGTH),
      type: required('eventType', mapping.eventType, input, MAX_TYPE_LENGTH),
      occurredAt: occurredAt(input),
      subject: subject(input),
      data: data as Record<string, unknown>,
    };
  };
}
