// Payload filters: a small JSON query language an integration carries to receive only some events.
// Management validates a filter when it is stored (validateFilter names every problem); the dispatcher
// evaluates it at fan-out (matchesFilter). Both bounds below are checked at validation, so a stored
// filter costs at most MAX_FILTER_NODES comparisons of operands no longer than MAX_FILTER_BYTES: no
// filter can make a fan-out slow, whatever the event.
//
// A filter is a document: every key is a field path or a logical operator, all of which must hold.
//   { "type": "order.created", "data.total": { "$gte": 1000 }, "$or": [{ "data.currency": "EUR" }, ...] }
// A field path starts at one of the event's fields (type, subject, data, provider) and walks objects by
// key and arrays by index ("data.items.0.sku"). A field's condition is a JSON value (equality) or an
// object of operators ($eq, $neq, $in, $nin, $gt, $gte, $lt, $lte, $exists), all of which must hold.
// Logical operators: $and and $or take a non-empty array of documents, $not one document.

/** The normalized event a filter sees. */
export interface FilterableEvent {
  type: string;
  subject: string | null;
  data: unknown;
  provider: string;
}

/** A validated filter document. */
export type PayloadFilter = Record<string, unknown>;

export interface FilterProblem {
  /** JSON Pointer into the filter. */
  path: string;
  message: string;
}

export const MAX_FILTER_BYTES = 4096;
export const MAX_FILTER_DEPTH = 8;
export const MAX_FILTER_NODES = 200;
export const MAX_PATH_SEGMENTS = 16;
export const MAX_IN_ITEMS = 100;

export const FILTER_ROOTS = ['type', 'subject', 'data', 'provider'] as const;
const FIELD_OPERATORS = new Set(['$eq', '$neq', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists']);
const LOGICAL_OPERATORS = new Set(['$and', '$or', '$not']);

const pointer = (base: string, key: string | number): string => `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every problem of a candidate filter; empty when it is a valid filter. */
export function validateFilter(candidate: unknown): FilterProblem[] {
  const problems: FilterProblem[] = [];
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(candidate) ?? '', 'utf8');
  } catch {
    return [{ path: '', message: 'must be a JSON document' }];
  }
  if (size > MAX_FILTER_BYTES) return [{ path: '', message: `must be at most ${MAX_FILTER_BYTES} bytes of JSON (is ${size})` }];
  const counter = { nodes: 0 };
  checkDocument(candidate, '', 1, counter, problems);
  if (counter.nodes > MAX_FILTER_NODES) problems.push({ path: '', message: `must have at most ${MAX_FILTER_NODES} conditions (has ${counter.nodes})` });
  return problems;
}

function checkDocument(doc: unknown, at: string, depth: number, counter: { nodes: number }, problems: FilterProblem[]): void {
  if (!isPlainObject(doc)) {
    problems.push({ path: at, message: 'must be an object of field paths and operators' });
    return;
  }
  if (depth > MAX_FILTER_DEPTH) {
    problems.push({ path: at, message: `nests deeper than ${MAX_FILTER_DEPTH} levels` });
    return;
  }
  for (const [key, value] of Object.entries(doc)) {
    const here = pointer(at, key);
    if (key.startsWith('$')) {
      counter.nodes += 1;
      if (!LOGICAL_OPERATORS.has(key)) {
        problems.push({ path: here, message: `is not a logical operator ($and, $or, $not); field operators go under a field path` });
      } else if (key === '$not') {
        checkDocument(value, here, depth + 1, counter, problems);
      } else if (!Array.isArray(value) || value.length === 0) {
        problems.push({ path: here, message: 'must be a non-empty array of filter documents' });
      } else {
        value.forEach((item, index) => checkDocument(item, pointer(here, index), depth + 1, counter, problems));
      }
      continue;
    }
    checkPath(key, here, problems);
    checkCondition(value, here, counter, problems);
  }
}

function checkPath(path: string, at: string, problems: FilterProblem[]): void {
  const segments = path.split('.');
  if (!(FILTER_ROOTS as readonly string[]).includes(segments[0]!)) {
    problems.push({ path: at, message: `field path must start with one of ${FILTER_ROOTS.join(', ')}` });
  } else if (segments.some((segment) => segment.length === 0)) {
    problems.push({ path: at, message: 'field path has an empty segment' });
  } else if (segments.length > MAX_PATH_SEGMENTS) {
    problems.push({ path: at, message: `field path has more than ${MAX_PATH_SEGMENTS} segments` });
  } else if (segments[0] !== 'data' && segments.length > 1) {
    problems.push({ path: at, message: `${segments[0]} is a string: only data has nested fields` });
  }
}

function checkCondition(condition: unknown, at: string, counter: { nodes: number }, problems: FilterProblem[]): void {
  if (!isPlainObject(condition)) {
    counter.nodes += 1;
    return;
  }
  const keys = Object.keys(condition);
  if (keys.length === 0 || keys.some((key) => !key.startsWith('$'))) {
    problems.push({ path: at, message: 'an object condition must be one or more operators; compare an object with {"$eq": {...}}' });
    return;
  }
  for (const [operator, operand] of Object.entries(condition)) {
    counter.nodes += 1;
    const here = pointer(at, operator);
    if (!FIELD_OPERATORS.has(operator)) {
      problems.push({ path: here, message: `is not a field operator (${[...FIELD_OPERATORS].join(', ')})` });
    } else if (operator === '$in' || operator === '$nin') {
      if (!Array.isArray(operand)) problems.push({ path: here, message: 'must be an array of values' });
      else if (operand.length > MAX_IN_ITEMS) problems.push({ path: here, message: `must have at most ${MAX_IN_ITEMS} values` });
      else counter.nodes += operand.length;
    } else if (operator === '$exists') {
      if (typeof operand !== 'boolean') problems.push({ path: here, message: 'must be true or false' });
    } else if (operator === '$gt' || operator === '$gte' || operator === '$lt' || operator === '$lte') {
      if (typeof operand !== 'number' && typeof operand !== 'string') problems.push({ path: here, message: 'must be a number or a string' });
    }
  }
}

/** The value at a field path, or undefined when the path leads nowhere. */
export function valueAt(event: FilterableEvent, path: string): unknown {
  const segments = path.split('.');
  let value: unknown = (event as unknown as Record<string, unknown>)[segments[0]!];
  for (let index = 1; index < segments.length && value !== undefined; index += 1) {
    const segment = segments[index]!;
    if (Array.isArray(value)) value = /^(0|[1-9][0-9]*)$/.test(segment) ? value[Number(segment)] : undefined;
    else if (isPlainObject(value)) value = Object.prototype.hasOwnProperty.call(value, segment) ? value[segment] : undefined;
    else value = undefined;
  }
  return value;
}

/** JSON equality: same type, same value; arrays element by element, objects key by key (order aside). */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left)) {
    return Array.isArray(right) && left.length === right.length && left.every((item, index) => jsonEqual(item, right[index]));
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length
      && keys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && jsonEqual(left[key], right[key]));
  }
  return false;
}

/** Numbers compare with numbers, strings with strings (by code unit); anything else does not compare. */
function compare(value: unknown, operand: unknown): number | undefined {
  if (typeof value === 'number' && typeof operand === 'number') return value - operand;
  if (typeof value === 'string' && typeof operand === 'string') return value < operand ? -1 : value > operand ? 1 : 0;
  return undefined;
}

function holds(operator: string, operand: unknown, value: unknown): boolean {
  switch (operator) {
    case '$eq': return value !== undefined && jsonEqual(value, operand);
    case '$neq': return value === undefined || !jsonEqual(value, operand);
    case '$in': return value !== undefined && (operand as unknown[]).some((item) => jsonEqual(value, item));
    case '$nin': return value === undefined || !(operand as unknown[]).some((item) => jsonEqual(value, item));
    case '$exists': return (value !== undefined) === operand;
    default: {
      const order = compare(value, operand);
      if (order === undefined) return false;
      if (operator === '$gt') return order > 0;
      if (operator === '$gte') return order >= 0;
      if (operator === '$lt') return order < 0;
      return order <= 0;
    }
  }
}

/** Whether the event matches a filter that validateFilter accepted. */
export function matchesFilter(filter: PayloadFilter, event: FilterableEvent): boolean {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and') {
      if (!(condition as PayloadFilter[]).every((item) => matchesFilter(item, event))) return false;
    } else if (key === '$or') {
      if (!(condition as PayloadFilter[]).some((item) => matchesFilter(item, event))) return false;
    } else if (key === '$not') {
      if (matchesFilter(condition as PayloadFilter, event)) return false;
    } else {
      const value = valueAt(event, key);
      if (isPlainObject(condition)) {
        if (!Object.entries(condition).every(([operator, operand]) => holds(operator, operand, value))) return false;
      } else if (!holds('$eq', condition, value)) {
        return false;
      }
    }
  }
  return true;
}
