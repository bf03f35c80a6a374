// The body of POST /events and /events/batch: what an application may say about its own event, checked with
// JSON Schema before anything is stored. The limits are the ones every event meets downstream: a type of at
// most 200 characters (the dispatcher refuses a longer one in its event message), a subject of at most 1,000.
import { compileValidator, type JSONSchemaType } from '@hookway/contracts';
import { InvalidBatchItemError, InvalidPayloadError, type PayloadProblem } from '../intake-errors.js';

/** One event as the application sends it. */
export interface PublishedEventInput {
  type: string;
  subject?: string | null;
  /** RFC 3339 with a time zone; absent: the time it was received. */
  occurredAt?: string | null;
  data: Record<string, unknown>;
}

export interface PublishedBatchInput {
  events: PublishedEventInput[];
}

export const MAX_BATCH_EVENTS = 100;
export const MAX_EVENT_TYPE_LENGTH = 200;
export const MAX_SUBJECT_LENGTH = 1_000;
/** Letters, digits and `_ . : -`, starting with a letter or digit: `order.created`, `invoice:paid`, `user_signed-up`. */
export const EVENT_TYPE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]*$';
/** ajv's date-time lets the offset be absent; an instant needs one. */
const DATE_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$';

const eventSchema: JSONSchemaType<PublishedEventInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'data'],
  properties: {
    type: { type: 'string', minLength: 1, maxLength: MAX_EVENT_TYPE_LENGTH, pattern: EVENT_TYPE_PATTERN },
    subject: { type: 'string', minLength: 1, maxLength: MAX_SUBJECT_LENGTH, nullable: true },
    occurredAt: { type: 'string', format: 'date-time', pattern: DATE_TIME_PATTERN, nullable: true },
    data: { type: 'object', required: [], additionalProperties: true },
  },
};

const batchSchema: JSONSchemaType<PublishedBatchInput> = {
  type: 'object',
  additionalProperties: false,
  required: ['events'],
  properties: {
    events: { type: 'array', minItems: 1, maxItems: MAX_BATCH_EVENTS, items: eventSchema },
  },
};

const isEvent = compileValidator(eventSchema);
const isBatch = compileValidator(batchSchema);

type ValidationErrors = NonNullable<typeof isEvent.errors>;

/** Each schema error as a problem; an unknown field is named, which ajv's own message does not do. */
function problemsOf(errors: ValidationErrors | null | undefined): PayloadProblem[] {
  return (errors ?? []).map((error) => {
    const path = error.instancePath || '/';
    const extra = (error.params as { additionalProperty?: unknown }).additionalProperty;
    if (error.keyword === 'additionalProperties' && typeof extra === 'string') return { path, message: `unknown field "${extra}"` };
    return { path, message: error.message ?? 'is invalid' };
  });
}

export function parsePublishedEvent(json: unknown): PublishedEventInput {
  if (isEvent(json)) return json;
  throw new InvalidPayloadError('the body is not a valid event', problemsOf(isEvent.errors));
}

/** A batch, or an error that names the first bad event's index (`details.index`) when an event is what is wrong. */
export function parsePublishedBatch(json: unknown): PublishedBatchInput {
  if (isBatch(json)) return json;
  const problems = problemsOf(isBatch.errors);
  const indexes = problems
    .map((problem) => /^\/events\/(\d+)(?:\/|$)/.exec(problem.path))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]));
  if (indexes.length === 0) throw new InvalidPayloadError('the body is not a valid batch: {"events": [1 to 100 events]}', problems);
  throw new InvalidBatchItemError(Math.min(...indexes), problems);
}
