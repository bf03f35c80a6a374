// How an express-openapi-validator refusal reads in our envelope: the code names the part of the request at
// fault, and each problem's path is a JSON Pointer inside that part.
import { describe, expect, it } from '@jest/globals';
import { describeValidatorError } from '../src/openapi.js';

describe('describeValidatorError', () => {
  it('when a body value breaks the spec, answers VALIDATION_ERROR with the pointer inside the body, dots in a key kept', () => {
    const described = describeValidatorError({ status: 400, errors: [{ path: '/body/headers/x.team', message: 'must match pattern' }] });
    expect(described).toEqual({
      status: 400, code: 'VALIDATION_ERROR', message: 'request is invalid',
      details: { errors: [{ path: '/headers/x.team', message: 'must match pattern' }] },
    });
  });

  it('when the validator names a query parameter with dots, reads them as separators', () => {
    const described = describeValidatorError({ status: 400, errors: [{ path: '.query.status', message: 'is invalid' }] });
    expect([described.code, described.details]).toEqual(['INVALID_QUERY', { errors: [{ path: '/status', message: 'is invalid' }] }]);
  });

  it('when a header breaks the spec, names the error after the header', () => {
    const described = describeValidatorError({ status: 400, errors: [{ path: '/headers/idempotency-key', message: 'must NOT have fewer than 1 characters' }] });
    expect([described.code, described.message]).toEqual(['INVALID_IDEMPOTENCY_KEY', 'the idempotency-key header is invalid']);
  });
});
