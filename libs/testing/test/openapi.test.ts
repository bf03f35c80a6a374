import { describe, expect, it } from '@jest/globals';
import { operationsOf, responseChecker } from '../src/index.js';

const spec = {
  openapi: '3.1.0',
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          '4XX': { content: { 'application/json': { schema: { type: 'object', required: ['error'] } } } },
        },
      },
      delete: { responses: { '204': { description: 'gone' }, '409': { $ref: '#/components/responses/Conflict' } } },
    },
  },
  components: {
    responses: {
      Conflict: { content: { 'application/json': { schema: { type: 'object', required: ['code'], properties: { code: { const: 'CONFLICT' } } } } } },
    },
    schemas: {
      Thing: { type: 'object', required: ['id', 'at'], properties: { id: { type: 'string' }, at: { type: 'string', format: 'date-time' } }, additionalProperties: false },
    },
  },
};

describe('responseChecker', () => {
  const checker = responseChecker(spec);

  it('accepts a response that matches its documented schema, through $refs and status ranges', () => {
    expect(checker.check('GET /things/{id}', 200, { id: 'a', at: '2026-11-22T10:00:00Z' })).toEqual([]);
    expect(checker.check('GET /things/{id}', 404, { error: {} })).toEqual([]);
    expect(checker.check('DELETE /things/{id}', 204, '')).toEqual([]);
  });

  it('reports wrong shapes, formats, undocumented statuses and operations', () => {
    expect(checker.check('GET /things/{id}', 200, { id: 1, at: 'yesterday' })).toHaveLength(2);
    expect(checker.check('GET /things/{id}', 200, { id: 'a', at: '2026-11-22T10:00:00Z', extra: true })[0]).toContain('additional');
    expect(checker.check('GET /things/{id}', 500, {})).toEqual(['GET /things/{id} does not document status 500']);
    expect(checker.check('PUT /things/{id}', 200, {})).toEqual(['PUT /things/{id} is not in the document']);
  });

  it('reads a response given as a $ref to a shared one from the shared one', () => {
    expect(checker.check('DELETE /things/{id}', 409, { code: 'CONFLICT' })).toEqual([]);
    expect(checker.check('DELETE /things/{id}', 409, { code: 'OTHER' })[0]).toContain('DELETE /things/{id} 409: /code');
  });

  it('lists every operation', () => {
    expect(operationsOf(spec)).toEqual(['GET /things/{id}', 'DELETE /things/{id}']);
  });
});
