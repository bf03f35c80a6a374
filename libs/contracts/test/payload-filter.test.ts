import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { referenceEventArbitrary, referenceFilterArbitrary, referenceMatches } from '@hookway/testing';
import { matchesFilter, MAX_FILTER_DEPTH, validateFilter, type FilterableEvent } from '../src/index.js';

const order: FilterableEvent = {
  type: 'order.created',
  subject: 'order/42',
  provider: 'acme',
  data: { total: 1999, currency: 'EUR', customer: { tier: 'gold' }, items: [{ sku: 'a' }, { sku: 'b' }], note: null },
};

describe('payload filter evaluation', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['a plain value is equality', { type: 'order.created' }, true],
    ['every key must hold', { type: 'order.created', 'data.currency': 'USD' }, false],
    ['$gt on a number', { 'data.total': { $gt: 1000 } }, true],
    ['$gte and $lt together', { 'data.total': { $gte: 1999, $lt: 2000 } }, true],
    ['$lte below the value', { 'data.total': { $lte: 1998 } }, false],
    ['a number does not compare with a string', { 'data.total': { $gt: '1000' } }, false],
    ['strings compare by code unit', { subject: { $gt: 'order/1' } }, true],
    ['$in', { 'data.currency': { $in: ['USD', 'EUR'] } }, true],
    ['$nin', { 'data.currency': { $nin: ['USD', 'EUR'] } }, false],
    ['$neq of a missing field holds', { 'data.missing': { $neq: 1 } }, true],
    ['$nin of a missing field holds', { 'data.missing': { $nin: [1] } }, true],
    ['$exists false of a missing field', { 'data.missing': { $exists: false } }, true],
    ['$exists of a null field', { 'data.note': { $exists: true } }, true],
    ['nested path', { 'data.customer.tier': 'gold' }, true],
    ['array index path', { 'data.items.1.sku': 'b' }, true],
    ['index beyond the array', { 'data.items.2.sku': { $exists: true } }, false],
    ['object equality ignores key order', { 'data.customer': { $eq: { tier: 'gold' } } }, true],
    ['array equality', { 'data.items': [{ sku: 'a' }, { sku: 'b' }] }, true],
    ['$or', { $or: [{ 'data.currency': 'USD' }, { 'data.total': { $gt: 1000 } }] }, true],
    ['$and', { $and: [{ 'data.currency': 'EUR' }, { 'data.total': { $gt: 5000 } }] }, false],
    ['$not', { $not: { provider: 'globex' } }, true],
    ['the empty filter matches everything', {}, true],
  ])('%s', (_name, filter, expected) => {
    expect(validateFilter(filter)).toEqual([]);
    expect(matchesFilter(filter, order)).toBe(expected);
  });

  it('agrees with the reference evaluator on random filters and events (fast-check)', () => {
    const outcomes = new Set<boolean>();
    fc.assert(fc.property(referenceFilterArbitrary, referenceEventArbitrary('acme'), (filter, event) => {
      expect(validateFilter(filter)).toEqual([]);
      const matches = matchesFilter(filter, event);
      outcomes.add(matches);
      expect(matches).toBe(referenceMatches(filter, event));
    }), { numRuns: 2000, seed: 20261204 });
    // Both answers came up, so the comparison was not one-sided.
    expect([...outcomes].sort()).toEqual([false, true]);
  });
});

describe('payload filter validation', () => {
  it.each<[string, unknown, { path: string; message: RegExp }]>([
    ['not an object', [1], { path: '', message: /must be an object/ }],
    ['an unknown root field', { total: 1 }, { path: '/total', message: /must start with one of type, subject, data, provider/ }],
    ['a nested path under a string field', { 'type.x': 1 }, { path: '/type.x', message: /only data has nested fields/ }],
    ['an empty path segment', { 'data..total': 1 }, { path: '/data..total', message: /empty segment/ }],
    ['an unknown field operator', { 'data.total': { $regex: 'x' } }, { path: '/data.total/$regex', message: /is not a field operator/ }],
    ['a field operator at document level', { $gt: 1 }, { path: '/$gt', message: /is not a logical operator/ }],
    ['an object condition mixing keys', { 'data.customer': { tier: 'gold' } }, { path: '/data.customer', message: /use|\$eq/ }],
    ['$in without an array', { 'data.currency': { $in: 'EUR' } }, { path: '/data.currency/$in', message: /array/ }],
    ['$exists not boolean', { 'data.currency': { $exists: 1 } }, { path: '/data.currency/$exists', message: /true or false/ }],
    ['$gt of an object', { 'data.total': { $gt: {} } }, { path: '/data.total/$gt', message: /number or a string/ }],
    ['$or empty', { $or: [] }, { path: '/$or', message: /non-empty array/ }],
    ['$and of a non-document', { $and: [1] }, { path: '/$and/0', message: /must be an object/ }],
    ['a path with a slash is escaped in the pointer', { 'data.a/b': { $bad: 1 } }, { path: '/data.a~1b/$bad', message: /field operator/ }],
  ])('refuses %s, naming where', (_name, filter, problem) => {
    const problems = validateFilter(filter);
    expect(problems).toContainEqual({ path: problem.path, message: expect.stringMatching(problem.message) });
  });

  it(`refuses a filter nested deeper than ${MAX_FILTER_DEPTH} levels`, () => {
    let deep: Record<string, unknown> = { type: 'x' };
    for (let level = 0; level < MAX_FILTER_DEPTH; level += 1) deep = { $not: deep };
    expect(validateFilter(deep)).toEqual([expect.objectContaining({ message: expect.stringMatching(/deeper than 8/) })]);
  });

  it('refuses a filter over the size bound, and one with too many conditions', () => {
    expect(validateFilter({ 'data.x': { $in: Array.from({ length: 2000 }, (_, index) => index) } })[0]!.message).toMatch(/at most 4096 bytes/);
    const wide = Object.fromEntries(Array.from({ length: 201 }, (_, index) => [`data.f${index}`, 1]));
    expect(validateFilter(wide)).toContainEqual({ path: '', message: expect.stringMatching(/at most 200 conditions/) });
  });
});
