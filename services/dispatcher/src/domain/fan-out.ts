// Fan-out: turns one event (or one replay of it) into one delivery job per subscribed integration.
// Idempotent by construction: jobs are keyed by (event, integration, replay request), and every job of
// the dispatch that has not made its first attempt is (re)published, so a fan-out message redelivered
// after a crash finishes what the first run began and creates nothing twice.
// A replay scoped to one integration (a job or dead-letter replay) gives a job to that integration
// only, whatever its state and subscriptions now: the operator asked for it; a paused one parks it.
import { auditFact, type EventMessage } from '@hookway/contracts';
import type { Logger } from '@hookway/logger';
import { subscribesTo } from './event-type-matcher.js';
import type { Dispatch, DispatchPublisher, EventStore, IntegrationStore, JobStore, ReplayRequestStore } from './ports.js';

export type FanOutResult =
  | { outcome: 'dispatched'; jobCount: number; published: number }
  | { outcome: 'rejected'; reason: string };

export interface FanOutDeps {
  events: EventStore;
  integrations: IntegrationStore;
  jobs: JobStore;
  replays: ReplayRequestStore;
  publisher: DispatchPublisher;
  /** First attempt plus one per retry delay. */
  maxAttempts: number;
}

export class FanOut {
  constructor(private readonly deps: FanOutDeps) {}

  async dispatch(message: EventMessage, context: { correlationId: string; logger: Logger }): Promise<FanOutResult> {
    const { events, integrations, jobs, replays, publisher, maxAttempts } = this.deps;
    const event = await events.findById(message.eventId);
    if (!event) return { outcome: 'rejected', reason: `event ${message.eventId} does not exist` };

    let replayRequestId: string | null = null;
    let scopedTo: string | null = null;
    if (message.kind === 'replay') {
      if (!message.replayRequestId) return { outcome: 'rejected', reason: 'replay message without replayRequestId' };
      const replay = await replays.findById(message.replayRequestId);
      if (!replay || replay.eventId !== event.id) {
        return { outcome: 'rejected', reason: `replay request ${message.replayRequestId} does not exist for event ${event.id}` };
      }
      replayRequestId = replay.id;
      scopedTo = replay.integrationId;
    }

    const dispatch: Dispatch = { eventId: event.id, replayRequestId };
    const subscribers = scopedTo !== null
      ? [await integrations.findById(scopedTo)].filter((integration) => integration !== undefined)
      : (await integrations.findActiveByProvider(event.provider)).filter((integration) => subscribesTo(integration.eventTypes, event.type));
    const dispatched = await jobs.createForDispatch(dispatch, subscribers.map((integration) => integration.id), maxAttempts);
    const unpublished = dispatched.filter((job) => job.unpublished);
    await Promise.all(unpublished.map((job) =>
      publisher.publishJob({ jobId: job.id, eventId: event.id, integrationId: job.integrationId, attempt: 1 }, context.correlationId)));
    const status = await events.refreshStatus(event.id);
    const jobCount = dispatched.length;

    if (replayRequestId !== null) {
      await replays.markDispatched(replayRequestId, jobCount);
      await publisher.publishAudit(auditFact({
        factId: `replay.dispatched:${replayRequestId}`,
        entityType: 'replay',
        entityId: replayRequestId,
        action: 'dispatched',
        actor: 'dispatcher',
        correlationId: context.correlationId,
        details: { eventId: event.id, jobCount },
      }));
    }
    context.logger.info('event fanned out', {
      eventId: event.id, replayRequestId, scopedTo, matched: subscribers.length, jobCount, published: unpublished.length, status,
    });
    return { outcome: 'dispatched', jobCount, published: unpublished.length };
  }
}
