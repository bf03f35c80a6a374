// Request validation with ajv: query strings are coerced (they arrive as text), bodies are not.
import { Ajv, type JSONSchemaType, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describeErrors } from '@hookway/contracts';
import { badRequest } from './errors.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const queryAjv = addFormats(new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, removeAdditional: false }));
const bodyAjv = addFormats(new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true }));

export type Parser<T> = (value: unknown) => T;

function parser<T>(validate: ValidateFunction<T>, code: string, what: string): Parser<T> {
  return (value) => {
    // ajv coerces and fills defaults in place: work on a copy of what express gave us.
    const copy: unknown = value === undefined ? {} : structuredClone(value);
    if (!validate(copy)) {
      throw badRequest(code, `${what} is invalid`, { errors: describeErrors(validate.errors) });
    }
    return copy;
  };
}

export function queryParser<T>(schema: JSONSchemaType<T>): Parser<T> {
  return parser(queryAjv.compile(schema), 'INVALID_QUERY', 'query string');
}

export function bodyParser<T>(schema: JSONSchemaType<T>): Parser<T> {
  return parser(bodyAjv.compile(schema), 'VALIDATION_ERROR', 'request body');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
