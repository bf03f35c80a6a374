// Fan-out: turns one event (or one replay of it) into one delivery job per subscribed integration.
// Idempotent by construction: jobs are keyed by (event, integration, replay request), and every job of
// the dispatch that has not made its first attempt is (re)published, so a fan-out message redelivered
// after a crash finishes what the first run began and creates nothing twice.
// A replay scoped to one integration (a job or dead-letter replay) gives a job to that integration
// only, whatever its state and subscriptions now: the operator asked for it; a paused one parks it.
// Messages that arrive together are fanned out together: one read of their events, one of their
// subscribers, and one statement creating all their jobs and moving new events out of `pending`
// (replays have their statuses rolled up after).
import { auditFact, eventMessage, jobMessage, type EventMessage, type EventStatus } from '@hookway/contracts';
import { logsDebug, type Logger } from '@hookway/logger';
import { subscribesTo } from './event-type-matcher.js';
import { applyPayloadFilters } from './payload-filter.js';
import type {
  Dispatch, DispatchJob, DispatchPublisher, DispatchRequest, EventStore, EventSummary, IntegrationStore, JobStore, ReplayRequestStore, SubscribedIntegration,
} from './ports.js';
import { feedKey } from './ports.js';
import type { FirstAttempts } from './first-attempts.js';

export type FanOutResult =
  /** `firstAttempts` ends when the attempts this process started for the dispatch have: ack the message after it. */
  | { outcome: 'dispatched'; jobCount: number; published: number; firstAttempts: Promise<void> }
  | { outcome: 'rejected'; reason: string };

export interface FanOutRequest {
  message: EventMessage;
  /** `redelivered`: RabbitMQ redelivered the message, its consumer may have died mid-fan-out or mid-attempt. */
  context: { correlationId: string; logger: Logger; redelivered?: boolean };
}

export interface FanOutDeps {
  events: EventStore;
  integrations: IntegrationStore;
  jobs: JobStore;
  replays: ReplayRequestStore;
  publisher: DispatchPublisher;
  /** First attempt plus one per retry delay. */
  maxAttempts: number;
  /** Where a new job's first attempt starts in this process when it can (first-attempts.ts); without it, every job is published. */
  firstAttempts?: Pick<FirstAttempts, 'tryStart' | 'reserve' | 'release' | 'startClaimed'>;
}

/** A message that names an event (and replay) that exist, with the integrations that get a job. */
interface Plan {
  request: FanOutRequest;
  dispatch: Dispatch;
  event: EventSummary;
  scopedTo: string | null;
  subscribers: SubscribedIntegration[];
}

type Planned = Plan | { rejected: string };

function dispatchKey(dispatch: Dispatch): string {
  return `${dispatch.eventId}/${dispatch.replayRequestId ?? ''}`;
}

export class FanOut {
  constructor(private readonly deps: FanOutDeps) {}

  /** One result per request, in their order. A message delivered twice in one batch counts once. */
  async dispatchMany(requests: readonly FanOutRequest[]): Promise<FanOutResult[]> {
    const { planned, taken } = await this.plan(requests);
    const plans = new Map<string, Plan>();
    for (const plan of [...taken, ...planned]) {
      if ('dispatch' in plan && !plans.has(dispatchKey(plan.dispatch))) plans.set(dispatchKey(plan.dispatch), plan);
    }
    const results = plans.size > 0 ? await this.fanOut(plans) : new Map<string, FanOutResult>();
    return planned.map((plan) => ('dispatch' in plan ? results.get(dispatchKey(plan.dispatch))! : { outcome: 'rejected', reason: plan.rejected }));
  }

  /** Creates the jobs of the dispatches, publishes the ones not yet published, refreshes their events' statuses. */
  private async fanOut(plans: ReadonlyMap<string, Plan>): Promise<Map<string, FanOutResult>> {
    const { events, jobs, publisher, maxAttempts, firstAttempts } = this.deps;
    const { requests, reserved } = await this.claimingFirstAttempts([...plans.values()].map(dispatchRequest));
    let created: DispatchJob[];
    try {
      created = await jobs.createForDispatches(requests, maxAttempts);
    } catch (error) {
      firstAttempts?.release(reserved);
      throw error;
    }
    // Slots reserved for jobs that were not created claimed (they existed already; the integration was paused meanwhile).
    firstAttempts?.release(reserved - created.filter((job) => job.claimed).length);
    const jobsOf = new Map<string, DispatchJob[]>();
    for (const job of created) {
      const key = dispatchKey(job);
      const ofDispatch = jobsOf.get(key);
      if (ofDispatch) ofDispatch.push(job);
      else jobsOf.set(key, [job]);
    }
    // The jobs are committed: a job created claimed makes its first attempt here; any other first attempt
    // starts here if a slot is free, or goes as a job message. A redelivered event message also takes over
    // the first attempts a dead process had claimed.
    const attemptsOf = new Map<string, Array<Promise<void>>>();
    const attemptHere = (job: DispatchJob, attempt: Promise<void>): void => {
      attemptsOf.set(dispatchKey(job), [...(attemptsOf.get(dispatchKey(job)) ?? []), attempt]);
    };
    await Promise.all(created.map(async (job) => {
      const { correlationId, redelivered } = plans.get(dispatchKey(job))!.request.context;
      if (job.claimed && firstAttempts) {
        attemptHere(job, firstAttempts.startClaimed(job.claimed, correlationId));
        return;
      }
      const takeover = job.firstAttemptClaimed && redelivered === true;
      if (!job.unpublished && !takeover) return;
      const message = jobMessage({ jobId: job.id, eventId: job.eventId, integrationId: job.integrationId }, 1);
      const started = firstAttempts?.tryStart(message, correlationId, takeover);
      if (started) attemptHere(job, started);
      // Not attempted here (no slot, or stopping): the job goes as a message; a takeover's copy keeps the
      // right to take over the attempt its dead claimant left, or it would wait for the sweeper's lease.
      else if (job.unpublished || takeover) await publisher.publishJob(message, correlationId, { takeover });
    }));
    // A first dispatch's status was set by createForDispatches; a replay's is rolled up from all its jobs.
    const replayed = [...plans.values()].filter((plan) => plan.dispatch.replayRequestId !== null);
    const statuses = replayed.length > 0
      ? await events.refreshStatuses(replayed.map((plan) => plan.dispatch.eventId))
      : new Map<string, EventStatus>();

    const results = new Map<string, FanOutResult>();
    for (const [key, plan] of plans) {
      const settled = await this.settle(plan, jobsOf.get(key) ?? [], statuses.get(plan.dispatch.eventId));
      results.set(key, { ...settled, firstAttempts: Promise.all(attemptsOf.get(key) ?? []).then(() => undefined) });
    }
    return results;
  }

  /**
   * The requests with their jobs to create claimed (claimFirst): each unordered job, while this process has
   * first-attempt slots to reserve for it and its integration takes a delivery at once. `reserved` slots
   * are held until the jobs are created.
   */
  private async claimingFirstAttempts(requests: DispatchRequest[]): Promise<{ requests: DispatchRequest[]; reserved: number }> {
    const { firstAttempts } = this.deps;
    if (!firstAttempts) return { requests, reserved: 0 };
    const candidates = requests.map((request) => request.integrationIds.filter((id) => !request.ordered?.integrationIds.includes(id)));
    const granted = await firstAttempts.reserve(candidates.flat());
    let next = 0;
    let reserved = 0;
    const claiming = requests.map((request, index) => {
      const claimFirst = candidates[index]!.filter(() => granted[next++] === true);
      reserved += claimFirst.length;
      return claimFirst.length > 0 ? { ...request, claimFirst } : request;
    });
    return { requests: claiming, reserved };
  }

  /** One plan per request, and the plans of the earlier events of ordered subjects taken in (see pendingBefore). */
  private async plan(requests: readonly FanOutRequest[]): Promise<{ planned: Planned[]; taken: Plan[] }> {
    const { events, integrations } = this.deps;
    const originals = requests.filter((request) => request.message.kind === 'event').map((request) => request.message.eventId);
    // Side by side: the subscribers are found from the event ids, not from the summaries.
    const [found, subscribersOf] = originals.length > 0
      ? await Promise.all([events.findSummaries(originals), integrations.findActiveSubscribers(originals)])
      : [[], new Map<string, SubscribedIntegration[]>()];
    const byId = new Map(found.map((event) => [event.id, event]));
    const taken = await this.pendingBefore(requests, found, byId, subscribersOf);

    const planned: Planned[] = [];
    for (const request of requests) {
      const { message } = request;
      if (message.kind === 'replay') {
        planned.push(await this.planReplay(request));
        continue;
      }
      const event = byId.get(message.eventId);
      planned.push(event ? firstDispatch(request, event, subscribersOf) : { rejected: `event ${message.eventId} does not exist` });
    }
    await applyPayloadFilters([...taken, ...planned.filter((plan): plan is Plan => 'dispatch' in plan)], events);
    return { planned, taken };
  }

  /**
   * An ordered integration must get the jobs of a subject's earlier events before a later one's: an event
   * whose own message is late (held by a replica that died, republished by the outbox relay, in another
   * batch) is fanned out now, by the first fan-out of a later event of its subject. Its own message then
   * finds its jobs made. Only events still `pending` (no fan-out has reached them) are looked for.
   */
  private async pendingBefore(
    requests: readonly FanOutRequest[],
    found: readonly EventSummary[], byId: ReadonlyMap<string, EventSummary>, subscribersOf: ReadonlyMap<string, SubscribedIntegration[]>,
  ): Promise<Plan[]> {
    const ordered = found.filter((event) => event.subject !== null
      && subscribersTo(event, subscribersOf).some((integration) => integration.ordering === 'subject'));
    if (ordered.length === 0) return [];
    const earlier = (await this.deps.events.findPendingBefore(ordered)).filter((event) => !byId.has(event.id));
    // Each is logged and published under the correlation of a later event of its subject that took it in.
    const requestOfSubject = new Map<string, FanOutRequest>();
    for (const request of requests) {
      const event = byId.get(request.message.eventId);
      if (event?.subject != null && request.message.kind === 'event') requestOfSubject.set(subjectKey(event), request);
    }
    // Their plans answer no message; they come first, so the batch keeps ingress order.
    return earlier.flatMap((event) => {
      const trigger = requestOfSubject.get(subjectKey(event));
      if (!trigger) return [];
      return [firstDispatch({ message: eventMessage(event), context: trigger.context }, event, subscribersOf)];
    });
  }

  private async planReplay(request: FanOutRequest): Promise<Planned> {
    const { events, integrations, replays } = this.deps;
    const { message } = request;
    if (!message.replayRequestId) return { rejected: 'replay message without replayRequestId' };
    const [event] = await events.findSummaries([message.eventId]);
    if (!event) return { rejected: `event ${message.eventId} does not exist` };
    const replay = await replays.findById(message.replayRequestId);
    if (!replay || replay.eventId !== event.id) {
      return { rejected: `replay request ${message.replayRequestId} does not exist for event ${event.id}` };
    }
    const subscribers = replay.integrationId !== null
      ? [await integrations.findById(replay.integrationId)].filter((integration) => integration !== undefined)
      : subscribersTo(event, await integrations.findActiveSubscribers([event.id]));
    return { request, dispatch: { eventId: event.id, replayRequestId: replay.id }, event, scopedTo: replay.integrationId, subscribers };
  }

  /** A replay's bookkeeping and audit fact, and the log line of the dispatch. */
  private async settle(plan: Plan, dispatched: readonly DispatchJob[], status: EventStatus | undefined): Promise<{ outcome: 'dispatched'; jobCount: number; published: number }> {
    const { dispatch, request, scopedTo, subscribers } = plan;
    let jobCount = dispatched.length;
    const published = dispatched.filter((job) => job.unpublished).length;
    if (dispatch.replayRequestId !== null) {
      jobCount = await this.deps.replays.markDispatched(dispatch.replayRequestId);
      await this.deps.publisher.publishAudit(auditFact({
        factId: `replay.dispatched:${dispatch.replayRequestId}`,
        entityType: 'replay',
        entityId: dispatch.replayRequestId,
        action: 'dispatched',
        actor: 'dispatcher',
        correlationId: request.context.correlationId,
        workspaceId: plan.event.workspaceId,
        details: { eventId: dispatch.eventId, jobCount },
      }));
    }
    // A replay (an operator's doing) is logged at info; a new event's fan-out, one per webhook, at debug.
    const { logger } = request.context;
    const line = { eventId: dispatch.eventId, replayRequestId: dispatch.replayRequestId, scopedTo, matched: subscribers.length, jobCount, published, status };
    if (dispatch.replayRequestId !== null) logger.info('event fanned out', line);
    else if (logsDebug(logger)) logger.debug('event fanned out', line);
    return { outcome: 'dispatched', jobCount, published };
  }
}

/** The plan of an event's first dispatch: a job for each active subscriber (payload filters come after). */
function firstDispatch(request: FanOutRequest, event: EventSummary, subscribersOf: ReadonlyMap<string, SubscribedIntegration[]>): Plan {
  return { request, dispatch: { eventId: event.id, replayRequestId: null }, event, scopedTo: null, subscribers: subscribersTo(event, subscribersOf) };
}

/** The jobs a plan asks for; an ordered integration's keep the order of the event's subject. */
function dispatchRequest({ dispatch, event, subscribers }: Plan): DispatchRequest {
  const integrationIds = subscribers.map((integration) => integration.id);
  const ordered = event.subject === null ? [] : subscribers.filter((integration) => integration.ordering === 'subject');
  return ordered.length === 0 || event.subject === null
    ? { dispatch, integrationIds }
    : { dispatch, integrationIds, ordered: { subject: event.subject, seq: event.seq, integrationIds: ordered.map((integration) => integration.id) } };
}

function subscribersTo(event: EventSummary, subscribersOf: ReadonlyMap<string, SubscribedIntegration[]>): SubscribedIntegration[] {
  return (subscribersOf.get(feedKey(event)) ?? []).filter((integration) => subscribesTo(integration.eventTypes, event.type));
}

/** An ordered stream of events: one subject of one provider in one workspace. */
function subjectKey(event: EventSummary): string {
  return `${feedKey(event)}/${event.subject ?? ''}`;
}
