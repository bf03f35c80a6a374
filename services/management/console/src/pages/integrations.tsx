// Integrations: the list, creating one (its secret shown once), and one integration's page: edit,
// pause/resume, rotate the secret, send a test, the ownership check, stats with a latency chart, purge, delete.
import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { TimeChart } from '../chart.js';
import { useSession } from '../context.js';
import { go, href } from '../router.js';
import type { DeliveryAttempt, Integration, IntegrationStats } from '../types.js';
import { Badge, ConfirmButton, Copy, ErrorBox, Field, Json, Time, useAction, useLoad } from '../ui.js';

const PROVIDERS = ['acme', 'globex'];

interface IntegrationDraft {
  name: string;
  provider: string;
  url: string;
  eventTypes: string;
  headers: string;
  description: string;
}

function draftOf(integration?: Integration): IntegrationDraft {
  return {
    name: integration?.name ?? '',
    provider: integration?.provider ?? 'acme',
    url: integration?.url ?? '',
    eventTypes: integration?.eventTypes.join(', ') ?? '',
    headers: Object.entries(integration?.headers ?? {}).map(([name, value]) => `${name}: ${value}`).join('\n'),
    description: integration?.description ?? '',
  };
}

/** "a.b, c.*" → ["a.b", "c.*"]; "Name: value" lines → {Name: "value"}. The API judges what they hold. */
function bodyOf(draft: IntegrationDraft, withProvider: boolean): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const line of draft.headers.split('\n')) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon === -1) headers[line.trim()] = '';
    else headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return {
    name: draft.name,
    ...(withProvider ? { provider: draft.provider } : {}),
    url: draft.url,
    eventTypes: draft.eventTypes.split(/[,\s]+/).filter(Boolean),
    headers,
    description: draft.description || null,
  };
}

function IntegrationForm(props: { draft: IntegrationDraft; onChange: (draft: IntegrationDraft) => void; error: ApiError | undefined; withProvider: boolean }): JSX.Element {
  const { draft, onChange, error } = props;
  const set = (name: keyof IntegrationDraft) => (event: { currentTarget: { value: string } }) => onChange({ ...draft, [name]: event.currentTarget.value });
  return (
    <div class="form-grid">
      <Field label="Name" name="name" error={error}><input name="name" value={draft.name} onInput={set('name')} /></Field>
      {props.withProvider && (
        <Field label="Provider" name="provider" error={error}>
          <select name="provider" value={draft.provider} onChange={set('provider')}>
            {PROVIDERS.map((provider) => <option key={provider} value={provider}>{provider}</option>)}
          </select>
        </Field>
      )}
      <Field label="Endpoint URL" name="url" error={error}><input name="url" value={draft.url} onInput={set('url')} placeholder="https://example.com/hooks" /></Field>
      <Field label="Event types" name="eventTypes" error={error} hint="comma-separated: order.created, order.*, **">
        <input name="eventTypes" value={draft.eventTypes} onInput={set('eventTypes')} />
      </Field>
      <Field label="Custom headers" name="headers" error={error} hint="one per line: Name: value">
        <textarea name="headers" rows={3} value={draft.headers} onInput={set('headers')} />
      </Field>
      <Field label="Description" name="description" error={error}><input name="description" value={draft.description} onInput={set('description')} /></Field>
    </div>
  );
}

function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }): JSX.Element {
  return (
    <div class="secret" role="alert" data-testid="secret-once">
      <strong>Signing secret: shown this once.</strong>
      <p>Copy it into the receiver now. Hookway stores it sealed and will never show it again; losing it means rotating it.</p>
      <div class="secret-value"><code data-testid="secret">{secret}</code><Copy text={secret} /></div>
      <button type="button" onClick={onDone}>I have stored it</button>
    </div>
  );
}

export function IntegrationsPage(): JSX.Element {
  const { api, identity } = useSession();
  const [provider, setProvider] = useState('');
  const [activeOnly, setActiveOnly] = useState(false);
  const list = useLoad(async () => (await api.get<Integration[]>('/integrations', { provider, activeOnly: activeOnly || undefined })).data, [provider, activeOnly]);
  const [creating, setCreating] = useState(false);
  const [draft, setDraft] = useState(draftOf());
  const [created, setCreated] = useState<Integration | undefined>();
  const create = useAction(async () => {
    const integration = await api.send<Integration>('POST', '/integrations', bodyOf(draft, true));
    setCreated(integration);
    setCreating(false);
    setDraft(draftOf());
    list.reload();
  });

  return (
    <section>
      <h1>Integrations</h1>
      {created?.secret && (
        <SecretOnce
          secret={created.secret}
          onDone={() => {
            const id = created.id;
            setCreated(undefined);
            go('integrations', id);
          }}
        />
      )}
      <div class="toolbar">
        <label class="inline">Provider <select value={provider} onChange={(event) => setProvider(event.currentTarget.value)}>
          <option value="">any</option>
          {PROVIDERS.map((name) => <option key={name} value={name}>{name}</option>)}
        </select></label>
        <label class="inline"><input type="checkbox" checked={activeOnly} onChange={(event) => setActiveOnly(event.currentTarget.checked)} /> active only</label>
        {identity.canWrite && !creating && <button class="primary" type="button" onClick={() => setCreating(true)}>New integration</button>}
      </div>
      {creating && (
        <form
          class="panel"
          aria-label="new integration"
          onSubmit={(event) => {
            event.preventDefault();
            void create.start();
          }}
        >
          <h2>New integration</h2>
          <IntegrationForm draft={draft} onChange={setDraft} error={create.error} withProvider />
          <ErrorBox error={create.error} />
          <div class="actions">
            <button class="primary" type="submit" disabled={create.busy}>Create</button>
            <button type="button" onClick={() => { setCreating(false); create.clear(); }}>Cancel</button>
          </div>
        </form>
      )}
      <ErrorBox error={list.error} />
      {list.value && (
        <div class="table-wrap">
          <table class="list" aria-label="integrations">
            <thead><tr><th>Name</th><th>Provider</th><th>URL</th><th>Event types</th><th>State</th><th>Failures</th></tr></thead>
            <tbody>
              {list.value.length === 0 && <tr><td colSpan={6} class="muted">No integrations yet.</td></tr>}
              {list.value.map((integration) => (
                <tr key={integration.id}>
                  <td><a href={href('integrations', integration.id)}>{integration.name}</a></td>
                  <td>{integration.provider}</td>
                  <td class="url">{integration.url}</td>
                  <td>{integration.eventTypes.join(', ')}</td>
                  <td><Badge value={integration.state} /></td>
                  <td>{integration.consecutiveFailures}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function LatencyChart({ attempts }: { attempts: DeliveryAttempt[] }): JSX.Element {
  const chart = useMemo(() => {
    const ordered = [...attempts].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    return {
      times: ordered.map((attempt) => Date.parse(attempt.createdAt) / 1000),
      series: [
        { label: 'succeeded (ms)', color: '#16a34a', values: ordered.map((attempt) => (attempt.status === 'success' ? attempt.latencyMs : null)) },
        { label: 'failed (ms)', color: '#dc2626', values: ordered.map((attempt) => (attempt.status === 'failed' ? attempt.latencyMs : null)) },
      ],
    };
  }, [attempts]);
  if (attempts.length === 0) return <p class="muted">No attempts yet.</p>;
  return <TimeChart label="latency of the latest attempts" times={chart.times} series={chart.series} unit="ms" points />;
}

export function IntegrationPage({ id }: { id: string }): JSX.Element {
  const { api, identity } = useSession();
  const integration = useLoad(async () => (await api.get<Integration>(`/integrations/${id}`)).data, [id]);
  const stats = useLoad(async () => (await api.get<IntegrationStats>(`/integrations/${id}/stats`)).data, [id]);
  const attempts = useLoad(async () => (await api.get<DeliveryAttempt[]>('/deliveries', { integrationId: id, pageSize: 100 })).data, [id]);
  const [editing, setEditing] = useState<IntegrationDraft | undefined>();
  const [secret, setSecret] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<{ title: string; value: unknown } | undefined>();
  const refresh = (): void => {
    integration.reload();
    stats.reload();
    attempts.reload();
  };
  const action = useAction(async (title: string, method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
    const value = await api.send<unknown>(method, path, body);
    setOutcome({ title, value });
    refresh();
    return value;
  });
  const save = useAction(async (draft: IntegrationDraft) => {
    await api.send<Integration>('PATCH', `/integrations/${id}`, bodyOf(draft, false));
    setEditing(undefined);
    refresh();
  });
  const remove = useAction(async () => {
    await api.send<undefined>('DELETE', `/integrations/${id}`);
    go('integrations');
  });
  const current = integration.value;

  return (
    <section>
      <p><a href={href('integrations')}>‹ Integrations</a></p>
      <ErrorBox error={integration.error} />
      {current && (
        <>
          <h1>{current.name} <Badge value={current.state} /></h1>
          {secret && <SecretOnce secret={secret} onDone={() => setSecret(undefined)} />}
          {!editing && (
            <dl class="facts">
              <dt>Provider</dt><dd>{current.provider}</dd>
              <dt>URL</dt><dd class="url">{current.url}</dd>
              <dt>Event types</dt><dd>{current.eventTypes.join(', ')}</dd>
              <dt>Headers</dt><dd>{Object.keys(current.headers).join(', ') || '–'}</dd>
              <dt>Description</dt><dd>{current.description ?? '–'}</dd>
              <dt>Ordering</dt><dd>{current.ordering === 'subject' ? `per subject; a dead event: ${current.orderingOnDead}` : 'none'}</dd>
              <dt>Consecutive failures</dt><dd>{current.consecutiveFailures}</dd>
              {current.disabledReason && <><dt>Disabled because</dt><dd>{current.disabledReason}</dd></>}
              <dt>Ownership verified</dt><dd><Time at={current.verifiedAt ?? null} /></dd>
              <dt>Created</dt><dd><Time at={current.createdAt} /></dd>
            </dl>
          )}
          {editing && (
            <form
              class="panel"
              aria-label="edit integration"
              onSubmit={(event) => {
                event.preventDefault();
                void save.start(editing);
              }}
            >
              <IntegrationForm draft={editing} onChange={setEditing} error={save.error} withProvider={false} />
              <ErrorBox error={save.error} />
              <div class="actions">
                <button class="primary" type="submit" disabled={save.busy}>Save</button>
                <button type="button" onClick={() => { setEditing(undefined); save.clear(); }}>Cancel</button>
              </div>
            </form>
          )}
          {identity.canWrite && !editing && (
            <div class="toolbar" aria-label="integration actions">
              <button type="button" onClick={() => setEditing(draftOf(current))}>Edit</button>
              {current.state === 'active'
                ? <button type="button" disabled={action.busy} onClick={() => void action.start('Paused', 'POST', `/integrations/${id}/pause`)}>Pause</button>
                : <button type="button" disabled={action.busy} onClick={() => void action.start('Resumed', 'POST', `/integrations/${id}/resume`)}>Resume</button>}
              <button type="button" disabled={action.busy} onClick={() => void action.start('Test ping', 'POST', `/integrations/${id}/test`)}>Send test</button>
              <button type="button" disabled={action.busy} onClick={() => void action.start('Ownership check', 'POST', `/integrations/${id}/verify`)}>Check ownership</button>
              <ConfirmButton
                label="Rotate secret"
                question="Rotate the signing secret? The old one keeps signing during the grace window."
                confirmLabel="Rotate"
                onConfirm={async () => {
                  const rotated = (await action.start('Secret rotated', 'POST', `/integrations/${id}/rotate-secret`)) as Integration | undefined;
                  if (rotated?.secret) {
                    setSecret(rotated.secret);
                    setOutcome(undefined);
                  }
                }}
              />
              <ConfirmButton
                label="Purge history"
                danger
                question={`Delete all ${stats.value?.totalAttempts ?? 'recorded'} delivery attempts of this integration? This cannot be undone.`}
                confirmLabel="Purge"
                onConfirm={() => action.start('History purged', 'DELETE', `/integrations/${id}/deliveries`)}
              />
              <ConfirmButton
                label="Delete"
                danger
                question="Delete this integration? Its deliveries stop at once."
                confirmLabel="Delete integration"
                onConfirm={() => remove.start()}
              />
            </div>
          )}
          <ErrorBox error={action.error ?? remove.error} />
          {outcome && (
            <div class="panel" role="status" data-testid="outcome">
              <h3>{outcome.title}</h3>
              {outcome.value !== undefined && <Json value={outcome.value} />}
            </div>
          )}
          <h2>Stats</h2>
          <ErrorBox error={stats.error} />
          {stats.value && (
            <div class="cards">
              <div class="card"><span class="label">Attempts</span><strong data-testid="total-attempts">{stats.value.totalAttempts}</strong>
                <span class="muted">{stats.value.successfulAttempts} ok · {stats.value.failedAttempts} failed</span></div>
              <div class="card"><span class="label">Success rate</span><strong>{stats.value.successRate === null ? '–' : `${Math.round(stats.value.successRate * 1000) / 10}%`}</strong></div>
              <div class="card"><span class="label">Latency</span><strong>{stats.value.averageLatencyMs === null ? '–' : `${Math.round(stats.value.averageLatencyMs)} ms`}</strong>
                <span class="muted">p95 {stats.value.p95LatencyMs === null ? '–' : `${Math.round(stats.value.p95LatencyMs)} ms`}</span></div>
              <div class="card"><span class="label">Jobs</span><strong>{stats.value.pendingJobs} waiting</strong><span class="muted">{stats.value.deadJobs} dead</span></div>
              <div class="card"><span class="label">Last success</span><Time at={stats.value.lastSuccessAt} /><span class="label">Last failure</span><Time at={stats.value.lastFailureAt} /></div>
            </div>
          )}
          <h3>Latency of the latest 100 attempts</h3>
          <ErrorBox error={attempts.error} />
          {attempts.value && <LatencyChart attempts={attempts.value} />}
        </>
      )}
    </section>
  );
}
