// Dead letters: the filtered list, replaying one, and replaying every one a filter matches after a
// confirmation that says how many that is.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Query } from '../api.js';
import { useSession } from '../context.js';
import { href } from '../router.js';
import type { BulkReplay, DeadLetter, Integration } from '../types.js';
import { ConfirmButton, ErrorBox, Field, localToIso, Pager, shortId, Time, useAction, useLoad } from '../ui.js';

interface DeadLetterFilter {
  integrationId: string;
  provider: string;
  eventType: string;
  since: string;
}

const EMPTY: DeadLetterFilter = { integrationId: '', provider: '', eventType: '', since: '' };

function filterQuery(filter: DeadLetterFilter): Query {
  return { integrationId: filter.integrationId, provider: filter.provider, eventType: filter.eventType, since: localToIso(filter.since) };
}

function BulkProgress({ id, onDone }: { id: string; onDone: () => void }): JSX.Element {
  const { api } = useSession();
  const run = useLoad(async () => (await api.get<BulkReplay>(`/dead-letter-replays/${id}`)).data, [id]);
  const running = run.value?.status === 'running' || run.value === undefined;
  useEffect(() => {
    if (!running) {
      onDone();
      return undefined;
    }
    const timer = setTimeout(run.reload, 1000);
    return () => clearTimeout(timer);
  }, [run.value, running]);
  return (
    <div class="panel" role="status" data-testid="bulk-progress">
      <ErrorBox error={run.error} />
      {run.value && <span>Bulk replay {shortId(id)}: {run.value.status}, {run.value.requeued} of {run.value.matched ?? '?'} requeued{run.value.error ? ` (${run.value.error})` : ''}</span>}
    </div>
  );
}

export function DeadLettersPage(): JSX.Element {
  const { api, identity } = useSession();
  const [draft, setDraft] = useState<DeadLetterFilter>(EMPTY);
  const [filter, setFilter] = useState<DeadLetterFilter>(EMPTY);
  const [page, setPage] = useState(1);
  const [reason, setReason] = useState('');
  const [bulkId, setBulkId] = useState<string | undefined>();
  const [replayed, setReplayed] = useState<string[]>([]);
  const integrations = useLoad(async () => (await api.get<Integration[]>('/integrations')).data, []);
  const query = { ...filterQuery(filter), page, pageSize: 20 };
  const list = useLoad(async () => api.get<DeadLetter[]>('/dead-letters', query), [JSON.stringify(query)]);
  const names = new Map((integrations.value ?? []).map((integration) => [integration.id, integration.name]));
  const replayOne = useAction(async (jobId: string) => {
    await api.send('POST', `/dead-letters/${jobId}/replay`, reason ? { reason } : {});
    setReplayed((done) => [...done, jobId]);
    list.reload();
  });
  const bulk = useAction(async () => {
    const given = filterQuery(filter);
    const named = Object.fromEntries(Object.entries(given).filter(([, value]) => value));
    const body = { ...(Object.keys(named).length === 0 ? { all: true } : named), ...(reason ? { reason } : {}) };
    const started = await api.send<{ bulkReplayId: string }>('POST', '/dead-letters/replay', body);
    setBulkId(started.bulkReplayId);
  });
  const set = (name: keyof DeadLetterFilter) => (event: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: event.currentTarget.value });
  const total = list.value?.meta.total ?? 0;

  return (
    <section>
      <h1>Dead letters</h1>
      <form
        class="filters"
        aria-label="dead-letter filters"
        onSubmit={(event) => {
          event.preventDefault();
          setPage(1);
          setFilter(draft);
          // Applying the same filter again reads the list again.
          list.reload();
        }}
      >
        <Field label="Integration" name="integrationId" error={list.error}>
          <select name="integrationId" value={draft.integrationId} onChange={set('integrationId')}>
            <option value="">any</option>
            {(integrations.value ?? []).map((integration) => <option key={integration.id} value={integration.id}>{integration.name}</option>)}
          </select>
        </Field>
        <Field label="Provider" name="provider" error={list.error}><input name="provider" value={draft.provider} onInput={set('provider')} /></Field>
        <Field label="Event type" name="eventType" error={list.error}><input name="eventType" value={draft.eventType} onInput={set('eventType')} /></Field>
        <Field label="Dead since" name="since" error={list.error}><input name="since" type="datetime-local" value={draft.since} onInput={set('since')} /></Field>
        <div class="actions">
          <button class="primary" type="submit">Apply</button>
          <button type="button" onClick={() => { setDraft(EMPTY); setFilter(EMPTY); setPage(1); }}>Clear</button>
        </div>
      </form>
      {identity.canWrite && (
        <div class="toolbar">
          <Field label="Reason (recorded with each replay)" name="reason" error={replayOne.error ?? bulk.error}>
            <input name="reason" value={reason} onInput={(event) => setReason(event.currentTarget.value)} placeholder="optional" />
          </Field>
          <ConfirmButton
            label="Replay all matching"
            disabled={total === 0}
            question={<span data-testid="bulk-question">Replay {total} dead letter{total === 1 ? '' : 's'} matching this filter?</span>}
            confirmLabel={`Replay ${total}`}
            onConfirm={() => bulk.start()}
          />
        </div>
      )}
      <ErrorBox error={list.error ?? replayOne.error ?? bulk.error} />
      {bulkId && <BulkProgress id={bulkId} onDone={list.reload} />}
      {list.value && (
        <>
          <div class="table-wrap">
            <table class="list" aria-label="dead letters">
              <thead><tr><th>Job</th><th>Event</th><th>Integration</th><th>Type</th><th>Attempts</th><th>Last error</th><th>Dead at</th>{identity.canWrite && <th />}</tr></thead>
              <tbody>
                {list.value.data.length === 0 && <tr><td colSpan={8} class="muted">No dead letters match.</td></tr>}
                {list.value.data.map((dead) => (
                  <tr key={dead.jobId} data-testid="dead-letter">
                    <td>{shortId(dead.jobId)}</td>
                    <td><a href={href('events', dead.eventId)}>{shortId(dead.eventId)}</a></td>
                    <td><a href={href('integrations', dead.integrationId)}>{names.get(dead.integrationId) ?? shortId(dead.integrationId)}</a></td>
                    <td>{dead.provider} · {dead.eventType}</td>
                    <td>{dead.attemptCount}</td>
                    <td>{dead.lastError ?? (dead.lastStatusCode ? `HTTP ${dead.lastStatusCode}` : '–')}</td>
                    <td><Time at={dead.deadAt} /></td>
                    {identity.canWrite && (
                      <td>
                        {replayed.includes(dead.jobId)
                          ? <span class="ok">replayed</span>
                          : <button type="button" disabled={replayOne.busy} onClick={() => void replayOne.start(dead.jobId)}>Replay</button>}
                      </td>
                    )}
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
