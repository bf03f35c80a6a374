import { describe, expect, it } from '@jest/globals';
import { matchesEventType, subscribesTo } from '../src/domain/event-type-matcher.js';

describe('matchesEventType', () => {
  it('matches an exact type and nothing else', () => {
    expect(matchesEventType('order.created', 'order.created')).toBe(true);
    expect(matchesEventType('order.created', 'order.updated')).toBe(false);
    expect(matchesEventType('order.created', 'order.created.v2')).toBe(false);
    expect(matchesEventType('order.created', 'Order.created')).toBe(false);
  });

  it('treats a lone * (or **) as every event type, dotted or not', () => {
    for (const type of ['ping', 'order.created', 'order.item.created']) {
      expect(matchesEventType('*', type)).toBe(true);
      expect(matchesEventType('**', type)).toBe(true);
    }
  });

  it('lets * inside a pattern match within one dot-segment only', () => {
    expect(matchesEventType('order.*', 'order.created')).toBe(true);
    expect(matchesEventType('order.*', 'order.item.created')).toBe(false);
    expect(matchesEventType('order.*', 'orders.created')).toBe(false);
    expect(matchesEventType('order.*', 'order')).toBe(false);
    expect(matchesEventType('*.created', 'invoice.created')).toBe(true);
    expect(matchesEventType('*.created', 'invoice.line.created')).toBe(false);
    expect(matchesEventType('order.create*', 'order.created')).toBe(true);
    expect(matchesEventType('order.create*', 'order.deleted')).toBe(false);
  });

  it('lets ** cross dots', () => {
    expect(matchesEventType('order.**', 'order.created')).toBe(true);
    expect(matchesEventType('order.**', 'order.item.created')).toBe(true);
    expect(matchesEventType('order.**', 'invoice.created')).toBe(false);
    expect(matchesEventType('**.created', 'order.item.created')).toBe(true);
  });

  it('takes regular-expression characters in a pattern literally', () => {
    expect(matchesEventType('order.(created|deleted)', 'order.created')).toBe(false);
    expect(matchesEventType('order.+', 'order.created')).toBe(false);
    expect(matchesEventType('order.c?eated*', 'order.created')).toBe(false);
    expect(matchesEventType('a.b*', 'aXb')).toBe(false);
  });
});

describe('subscribesTo', () => {
  it('is true when any pattern matches and false for an empty subscription', () => {
    expect(subscribesTo(['invoice.paid', 'order.*'], 'order.shipped')).toBe(true);
    expect(subscribesTo(['invoice.paid'], 'order.shipped')).toBe(false);
    expect(subscribesTo([], 'order.shipped')).toBe(false);
  });
});
