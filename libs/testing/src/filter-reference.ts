// A reference evaluator of payload filters, written apart from libs/contracts' matchesFilter (values are
// compared by their canonical JSON text, paths walked with reduce), and fast-check arbitraries of events
// and valid filters over a small vocabulary, so random filters match random events often enough.
import fc from 'fast-check';

export interface ReferenceEvent {
  type: string;
  subject: string | null;
  data: Record<string, unknown>;
  provider: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

const MISSING = Symbol('missing');

function resolve(event: ReferenceEvent, path: string): unknown {
  const [root, ...rest] = path.split('.');
  const start: unknown = root === 'type' ? event.type : root === 'subject' ? event.subject : root === 'provider' ? event.provider : event.data;
  return rest.reduce<unknown>((value, segment) => {
    if (value === MISSING || value === null || typeof value !== 'object') return MISSING;
    if (Array.isArray(value)) return /^\d+$/.test(segment) && !/^0\d/.test(segment) && Number(segment) < value.length ? value[Number(segment)] : MISSING;
    return Object.keys(value).includes(segment) ? (value as Record<string, unknown>)[segment] : MISSING;
  }, start);
}

function operatorHolds(operator: string, operand: unknown, value: unknown): boolean {
  const present = value !== MISSING;
  const same = (other: unknown): boolean => present && canonical(value) === canonical(other);
  if (operator === '$eq') return same(operand);
  if (operator === '$neq') return !same(operand);
  if (operator === '$in') return (operand as unknown[]).some(same);
  if (operator === '$nin') return !(operand as unknown[]).some(same);
  if (operator === '$exists') return present === operand;
  const ordered = (a: number | string, b: number | string): boolean =>
    operator === '$gt' ? a > b : operator === '$gte' ? a >= b : operator === '$lt' ? a < b : a <= b;
  if (typeof value === 'number' && typeof operand === 'number') return ordered(value, operand);
  if (typeof value === 'string' && typeof operand === 'string') return ordered(value, operand);
  return false;
}

/** What a filter document means, straight from the definition in docs/delivery.md. */
export function referenceMatches(filter: Record<string, unknown>, event: ReferenceEvent): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$and') return (condition as Record<string, unknown>[]).every((item) => referenceMatches(item, event));
    if (key === '$or') return (condition as Record<string, unknown>[]).some((item) => referenceMatches(item, event));
    if (key === '$not') return !referenceMatches(condition as Record<string, unknown>, event);
    const value = resolve(event, key);
    const isOperators = condition !== null && typeof condition === 'object' && !Array.isArray(condition);
    return isOperators
      ? Object.entries(condition as Record<string, unknown>).every(([operator, operand]) => operatorHolds(operator, operand, value))
      : operatorHolds('$eq', condition, value);
  });
}

const currencies = ['EUR', 'USD', 'GBP'];
const tiers = ['gold', 'silver'];
const types = ['order.created', 'order.paid', 'invoice.paid'];

/** Events whose fields the filter vocabulary below talks about; each field may be missing. */
export const referenceEventArbitrary = (provider: string): fc.Arbitrary<ReferenceEvent> => fc.record({
  type: fc.constantFrom(...types),
  subject: fc.option(fc.constantFrom('order/1', 'order/2', 'customer/7'), { nil: null }),
  provider: fc.constant(provider),
  data: fc.record({
    total: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constant('1000')),
    currency: fc.constantFrom(...currencies),
    customer: fc.record({ tier: fc.constantFrom(...tiers), vip: fc.boolean() }, { requiredKeys: [] }),
    items: fc.array(fc.record({ sku: fc.constantFrom('a', 'b', 'c') }), { maxLength: 3 }),
    note: fc.constant(null),
  }, { requiredKeys: [] }),
});

const fieldValue: Record<string, fc.Arbitrary<Json>> = {
  type: fc.constantFrom(...types),
  subject: fc.constantFrom<Json>('order/1', 'order/2', null),
  provider: fc.constantFrom('acme', 'globex'),
  'data.total': fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constant('1000')),
  'data.currency': fc.constantFrom(...currencies),
  'data.customer.tier': fc.constantFrom(...tiers),
  'data.customer.vip': fc.boolean(),
  'data.items.0.sku': fc.constantFrom('a', 'b', 'c'),
  'data.items': fc.constant<Json>([]),
  'data.note': fc.constant(null),
  'data.customer': fc.constant<Json>({ tier: 'gold' }),
};
const paths = Object.keys(fieldValue);

const condition = (path: string): fc.Arbitrary<Json> => {
  const value = fieldValue[path]!;
  const ordered = path === 'data.total' ? fc.integer({ min: 0, max: 2000 }) : fc.constantFrom('a', 'b', 'gold', 'order.created', 'order/2');
  // An object is compared only through $eq: as a plain condition it would read as operators.
  return fc.oneof(
    path === 'data.customer' ? fc.record({ $eq: value }) : value,
    fc.record({ $eq: value }),
    fc.record({ $neq: value }),
    fc.record({ $in: fc.array(value, { maxLength: 3 }) }),
    fc.record({ $nin: fc.array(value, { maxLength: 3 }) }),
    fc.record({ $exists: fc.boolean() }),
    fc.record({ $gt: ordered }),
    fc.record({ $gte: ordered, $lt: ordered }),
    fc.record({ $lte: ordered }),
  );
};

const fieldConditions: fc.Arbitrary<Record<string, Json>> = fc.uniqueArray(fc.constantFrom(...paths), { minLength: 1, maxLength: 3 })
  .chain((chosen) => fc.tuple(...chosen.map((path) => condition(path)))
    .map((conditions) => Object.fromEntries(chosen.map((path, index) => [path, conditions[index]!]))));

const filterAt = (levels: number): fc.Arbitrary<Record<string, Json>> => (levels === 0
  ? fieldConditions
  : fc.oneof(
    fieldConditions,
    fc.record({ $and: fc.array(filterAt(levels - 1), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $or: fc.array(filterAt(levels - 1), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $not: filterAt(levels - 1) }),
  ));

/** Valid filter documents: one to three field conditions, nested in $and/$or/$not up to three levels. */
export const referenceFilterArbitrary: fc.Arbitrary<Record<string, Json>> = filterAt(3);
