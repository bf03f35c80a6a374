// Payload filters at fan-out: an integration whose filter excludes an event gets no job of it. An
// event's payload is read only when one of its subscribers has a filter, so integrations without one
// cost nothing. A replay scoped to one integration is an operator's explicit ask and is not filtered.
import { matchesFilter } from '@hookway/contracts';
import type { EventStore, SubscribedIntegration } from './ports.js';

export interface FilterablePlan {
  dispatch: { eventId: string };
  scopedTo: string | null;
  subscribers: SubscribedIntegration[];
}

/** Drops from each plan the subscribers whose filter excludes the plan's event. */
export async function applyPayloadFilters<P extends FilterablePlan>(plans: readonly P[], events: Pick<EventStore, 'findFilterables'>): Promise<void> {
  const filtered = plans.filter((plan) => plan.scopedTo === null && plan.subscribers.some((subscriber) => subscriber.filter !== null));
  if (filtered.length === 0) return;
  const payloads = await events.findFilterables([...new Set(filtered.map((plan) => plan.dispatch.eventId))]);
  for (const plan of filtered) {
    const event = payloads.get(plan.dispatch.eventId);
    plan.subscribers = event
      ? plan.subscribers.filter((subscriber) => subscriber.filter === null || matchesFilter(subscriber.filter, event))
      : [];
  }
}
