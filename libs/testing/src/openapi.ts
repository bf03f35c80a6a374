// Test helpers for the OpenAPI contract: lint a document with Redocly's recommended rules (plus the
// repository's redocly.yaml), and check a response against the schema the document gives it.
import { fileURLToPath } from 'node:url';
import { lint, loadConfig } from '@redocly/openapi-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Ajv } from 'ajv';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv;

export interface LintProblem {
  severity: string;
  rule: string;
  message: string;
  where: string;
}

export async function lintOpenApi(path: string): Promise<LintProblem[]> {
  const configPath = fileURLToPath(new URL('../../../redocly.yaml', import.meta.url));
  const config = await loadConfig({ configPath });
  const problems = await lint({ ref: path, config });
  return problems.map((problem) => ({
    severity: problem.severity,
    rule: problem.ruleId,
    message: problem.message,
    where: problem.location[0]?.pointer ?? '',
  }));
}

interface Response {
  content?: Record<string, { schema?: unknown }>;
  /** A shared response: `#/components/responses/<name>`. */
  $ref?: string;
}

interface Operation {
  responses?: Record<string, Response>;
}

const SHARED_RESPONSE = '#/components/responses/';

/** JSON pointer escaping of one reference token. */
const token = (text: string): string => text.replaceAll('~', '~0').replaceAll('/', '~1');

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Every operation of a document as "METHOD /path". */
export function operationsOf(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** An operation ("POST /webhooks/{provider}") and a call that answers it. */
export type OperationCall = readonly [operation: string, call: () => Promise<{ status: number; body: unknown }>];

export interface ResponseChecker {
  /** Problems with this response against the documented one (empty when it conforms). */
  check(operation: string, status: number, body: unknown): string[];
  /** Makes the calls one after the other: "<operation> <status>" of each, and every problem found. */
  walk(calls: readonly OperationCall[]): Promise<{ statuses: string[]; problems: string[] }>;
}

/** Checks answers against the document's response schemas; a response given as a `$ref` to a shared one is read there. */
export function responseChecker(document: { paths: Record<string, Record<string, unknown>>; components?: unknown }): ResponseChecker {
  const shared = (document.components as { responses?: Record<string, Response> } | undefined)?.responses ?? {};
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, validateFormats: true }));
  ajv.addSchema(document, 'openapi');
  const checker: ResponseChecker = {
    async walk(calls) {
      const statuses: string[] = [];
      const problems: string[] = [];
      for (const [operation, call] of calls) {
        const response = await call();
        statuses.push(`${operation} ${response.status}`);
        problems.push(...checker.check(operation, response.status, response.body));
      }
      return { statuses, problems };
    },
    check(operation, status, body) {
      const [method, path] = operation.split(' ') as [string, string];
      const spec = document.paths[path]?.[method.toLowerCase()] as Operation | undefined;
      if (!spec) return [`${operation} is not in the document`];
      const responses = spec.responses ?? {};
      const key = String(status) in responses ? String(status) : `${String(status)[0]}XX` in responses ? `${String(status)[0]}XX` : 'default';
      const inline = responses[key];
      const sharedName = inline?.$ref?.startsWith(SHARED_RESPONSE) ? inline.$ref.slice(SHARED_RESPONSE.length) : undefined;
      const response = sharedName === undefined ? inline : shared[sharedName];
      if (!response) return [`${operation} does not document status ${status}`];
      const media = response.content?.['application/json'];
      if (!media?.schema) return body === undefined || body === '' || (typeof body === 'object' && body !== null && Object.keys(body).length === 0) ? [] : [`${operation} ${status} documents no JSON body`];
      const where = sharedName === undefined
        ? `paths/${token(path)}/${method.toLowerCase()}/responses/${key}`
        : `components/responses/${token(sharedName)}`;
      const pointer = `openapi#/${where}/content/application~1json/schema`;
      const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
      if (validate(body)) return [];
      return (validate.errors ?? []).map((error) => `${operation} ${status}: ${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
    },
  };
  return checker;
}
