// Events: the filtered, paged list (every filter GET /events has), and one event with its raw snapshot, its
// jobs and each attempt's timeline, and replay with a reason.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Query } from '../api.js';
import { useSession } from '../context.js';
import { href } from '../router.js';
import type { DeliveryAttempt, EventDetail, EventTypeSeen, HookwayEvent, Integration } from '../types.js';
import { Badge, ErrorBox, Field, HeaderTable, Json, localToIso, Pager, shortId, Time, useAction, useLoad } from '../ui.js';

const STATUSES = ['pending', 'processing', 'processed', 'retrying', 'failed'];

interface EventFilter {
  provider: string;
  status: string;
  eventType: string;
  subject: string;
  from: string;
  to: string;
  sortBy: string;
  sortOrder: string;
}

const EMPTY: EventFilter = { provider: '', status: '', eventType: '', subject: '', from: '', to: '', sortBy: 'receivedAt', sortOrder: 'desc' };

export function EventsPage(): JSX.Element {
  const { api } = useSession();
  const [draft, setDraft] = useState<EventFilter>(EMPTY);
  const [filter, setFilter] = useState<EventFilter>(EMPTY);
  const [page, setPage] = useState(1);
  const types = useLoad(async () => (await api.get<EventTypeSeen[]>('/event-types')).data, []);
  const query: Query = {
    page,
    pageSize: 20,
    provider: filter.provider,
    status: filter.status,
    eventType: filter.eventType,
    subject: filter.subject,
    from: localToIso(filter.from),
    to: localToIso(filter.to),
    sortBy: filter.sortBy,
    sortOrder: filter.sortOrder,
  };
  const list = useLoad(async () => api.get<HookwayEvent[]>('/events', query), [JSON.stringify(query)]);
  const providers = [...new Set((types.value ?? []).map((seen) => seen.provider))];
  const set = (name: keyof EventFilter) => (event: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: event.currentTarget.value });

  return (
    <section>
      <h1>Events</h1>
      <form
        class="filters"
        aria-label="event filters"
        onSubmit={(event) => {
          event.preventDefault();
          setPage(1);
          setFilter(draft);
          // Applying the same filter again reads the list again.
          list.reload();
        }}
      >
        <Field label="Provider" name="provider" error={list.error}>
          <select name="provider" value={draft.provider} onChange={set('provider')}>
            <option value="">any</option>
            {providers.map((provider) => <option key={provider} value={provider}>{provider}</option>)}
          </select>
        </Field>
        <Field label="Status" name="status" error={list.error}>
          <select name="status" value={draft.status} onChange={set('status')}>
            <option value="">any</option>
            {STATUSES.map((status) => <option key={status} value={status}>{status}</option>)}
          </select>
        </Field>
        <Field label="Type" name="eventType" error={list.error}>
          <input name="eventType" list="event-types" value={draft.eventType} onInput={set('eventType')} placeholder="order.created" />
          <datalist id="event-types">{(types.value ?? []).map((seen) => <option key={`${seen.provider}.${seen.eventType}`} value={seen.eventType} />)}</datalist>
        </Field>
        <Field label="Subject contains" name="subject" error={list.error}>
          <input name="subject" value={draft.subject} onInput={set('subject')} />
        </Field>
        <Field label="Occurred from" name="from" error={list.error}>
          <input name="from" type="datetime-local" value={draft.from} onInput={set('from')} />
        </Field>
        <Field label="Occurred to" name="to" error={list.error}>
          <input name="to" type="datetime-local" value={draft.to} onInput={set('to')} />
        </Field>
        <Field label="Sort by" name="sortBy" error={list.error}>
          <select name="sortBy" value={draft.sortBy} onChange={set('sortBy')}>
            {['receivedAt', 'occurredAt', 'createdAt', 'status'].map((field) => <option key={field} value={field}>{field}</option>)}
          </select>
        </Field>
        <Field label="Order" name="sortOrder" error={list.error}>
          <select name="sortOrder" value={draft.sortOrder} onChange={set('sortOrder')}>
            <option value="desc">newest first</option>
            <option value="asc">oldest first</option>
          </select>
        </Field>
        <div class="actions">
          <button class="primary" type="submit">Apply</button>
          <button type="button" onClick={() => { setDraft(EMPTY); setFilter(EMPTY); setPage(1); }}>Clear</button>
        </div>
      </form>
      <ErrorBox error={list.error} />
      {list.value && (
        <>
          <div class="table-wrap">
            <table class="list" aria-label="events">
              <thead><tr><th>Event</th><th>Provider</th><th>Type</th><th>Subject</th><th>Status</th><th>Received</th></tr></thead>
              <tbody>
                {list.value.data.length === 0 && <tr><td colSpan={6} class="muted">No events match.</td></tr>}
                {list.value.data.map((event) => (
                  <tr key={event.id}>
                    <td><a href={href('events', event.id)}>{shortId(event.id)}</a></td>
                    <td>{event.provider}</td>
                    <td>{event.type}</td>
                    <td>{event.subject ?? '–'}</td>
                    <td><Badge value={event.status} /></td>
                    <td><Time at={event.receivedAt} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager meta={list.value.meta} onPage={setPage} />
        </>
      )}
    </section>
  );
}

function AttemptTimeline({ attempts }: { attempts: DeliveryAttempt[] }): JSX.Element {
  if (attempts.length === 0) return <p class="muted">No attempt yet.</p>;
  return (
    <ol class="timeline" aria-label="attempt timeline">
      {attempts.map((attempt) => (
        <li key={attempt.id} class={`attempt attempt-${attempt.status}`} data-testid="attempt">
          <div class="attempt-head">
            <strong>Attempt {attempt.attemptNumber}</strong>
            <Badge value={attempt.status} />
            <span>{attempt.statusCode === null ? attempt.errorCode ?? 'no answer' : `HTTP ${attempt.statusCode}`}</span>
            <span data-testid="latency">{attempt.latencyMs} ms</span>
            <Time at={attempt.createdAt} />
          </div>
          {attempt.errorMessage && <div class="error-text">{attempt.errorMessage}</div>}
          <details open={attempt.attemptNumber === attempts.length}>
            <summary>Request and response</summary>
            <div class="kv"><span class="label">POST</span> <code>{attempt.requestUrl}</code></div>
            <div class="two">
              <div><h4>Request headers</h4><HeaderTable label="request headers" headers={attempt.requestHeaders} /></div>
              <div><h4>Response headers</h4><HeaderTable label="response headers" headers={attempt.responseHeaders} /></div>
            </div>
            <h4>Response body (first 4 KiB)</h4>
            <pre class="json">{attempt.responseBody ?? ''}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
}

function ReplayForm({ eventId, onReplayed }: { eventId: string; onReplayed: () => void }): JSX.Element {
  const { api, identity } = useSession();
  const [reason, setReason] = useState('');
  const [accepted, setAccepted] = useState<string | undefined>();
  const replay = useAction(async () => {
    const answer = await api.send<{ replayRequestId: string }>('POST', `/events/${eventId}/replay`, { requestedBy: identity.actor, reason });
    setAccepted(answer.replayRequestId);
    setReason('');
    onReplayed();
  });
  return (
    <form
      class="inline-form"
      aria-label="replay"
      onSubmit={(event) => {
        event.preventDefault();
        void replay.start();
      }}
    >
      <Field label="Reason for the replay" name="reason" error={replay.error}>
        <input name="reason" value={reason} onInput={(event) => setReason(event.currentTarget.value)} placeholder="receiver fixed its bug" />
      </Field>
      <button class="primary" type="submit" disabled={replay.busy}>Replay event</button>
      <ErrorBox error={replay.error} />
      {accepted && <p class="ok" role="status">Replay {shortId(accepted)} requested; new jobs appear below.</p>}
    </form>
  );
}

export function EventPage({ id }: { id: string }): JSX.Element {
  const { api, identity } = useSession();
  const detail = useLoad(async () => (await api.get<EventDetail>(`/events/${id}`)).data, [id]);
  const integrations = useLoad(async () => (await api.get<Integration[]>('/integrations')).data, []);
  const names = new Map((integrations.value ?? []).map((integration) => [integration.id, integration.name]));
  const event = detail.value;
  return (
    <section>
      <p><a href={href('events')}>‹ Events</a></p>
      <ErrorBox error={detail.error} />
      {event && (
        <>
          <h1>Event {shortId(event.id)} <Badge value={event.status} /></h1>
          <div class="toolbar"><button type="button" onClick={detail.reload}>Refresh</button></div>
          <div class="two">
            <div>
              <h2>Normalized event</h2>
              <Json value={{ id: event.id, provider: event.provider, externalId: event.externalId, type: event.type, occurredAt: event.occurredAt, subject: event.subject, status: event.status, receivedAt: event.receivedAt, data: event.data }} />
            </div>
            <div>
              <h2>Raw snapshot</h2>
              <p class="muted">As received; credentials were stored redacted.</p>
              <HeaderTable label="snapshot headers" headers={event.snapshot.headers} />
              <pre class="json">{event.snapshot.body}</pre>
            </div>
          </div>
          {identity.canWrite && <><h2>Replay</h2><ReplayForm eventId={event.id} onReplayed={detail.reload} /></>}
          <h2>Jobs</h2>
          {event.jobs.length === 0 && <p class="muted">No job: no active integration subscribes to this type.</p>}
          {event.jobs.map((job) => (
            <article key={job.id} class="job" data-testid="job">
              <h3>
                <a href={href('integrations', job.integrationId)}>{names.get(job.integrationId) ?? shortId(job.integrationId)}</a>{' '}
                <Badge value={job.status} /> <span class="muted">job {shortId(job.id)} · {job.attemptCount}/{job.maxAttempts} attempts{job.replayRequestId ? ' · replay' : ''}</span>
              </h3>
              {job.lastError && <div class="error-text">{job.lastError}</div>}
              <AttemptTimeline attempts={event.attempts.filter((attempt) => attempt.jobId === job.id).sort((a, b) => a.attemptNumber - b.attemptNumber)} />
            </article>
          ))}
        </>
      )}
    </section>
  );
}
