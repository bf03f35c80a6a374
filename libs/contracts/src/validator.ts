// One shared ajv instance so every service validates messages and requests the same way.
import { Ajv, type ErrorObject, type JSONSchemaType } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export const ajv = addFormats(new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: true }));

export interface Validator<T> {
  (value: unknown): value is T;
  errors?: ErrorObject[] | null;
}

export function compileValidator<T>(schema: JSONSchemaType<T>): Validator<T> {
  return ajv.compile(schema) as Validator<T>;
}

export function describeErrors(errors: ErrorObject[] | null | undefined): { path: string; message: string }[] {
  return (errors ?? []).map((error) => ({
    path: error.instancePath || '/',
    message: error.message ?? 'is invalid',
  }));
}
