// Live: job and attempt updates from GET /stream as they happen, optionally for one integration; the reader
// reconnects by itself and resumes with Last-Event-ID.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { API_BASE, queryString } from '../api.js';
import { useSession } from '../context.js';
import { href } from '../router.js';
import { authHeaders } from '../session.js';
import { openStream, type StreamState } from '../sse.js';
import type { Integration, JobUpdate } from '../types.js';
import { Badge, ErrorBox, shortId, Time, useLoad } from '../ui.js';

const KEPT = 200;

export function LivePage(): JSX.Element {
  const { api, credential } = useSession();
  const integrations = useLoad(async () => (await api.get<Integration[]>('/integrations')).data, []);
  const [integrationId, setIntegrationId] = useState('');
  const [updates, setUpdates] = useState<JobUpdate[]>([]);
  const [state, setState] = useState<{ state: StreamState; detail?: string | undefined }>({ state: 'connecting' });
  const names = new Map((integrations.value ?? []).map((integration) => [integration.id, integration.name]));

  useEffect(() => {
    setUpdates([]);
    return openStream(`${API_BASE}/stream${queryString({ integrationId })}`, authHeaders(credential), {
      onMessage: (message) => {
        let update: JobUpdate;
        try {
          update = JSON.parse(message.data) as JobUpdate;
        } catch {
          return;
        }
        // A resumed stream may repeat what was already shown.
        setUpdates((shown) => (shown.some((seen) => seen.id === update.id) ? shown : [update, ...shown].slice(0, KEPT)));
      },
      onState: (next, detail) => setState({ state: next, detail }),
    });
  }, [integrationId, credential]);

  return (
    <section>
      <h1>Live</h1>
      <div class="toolbar">
        <label class="inline">Integration <select name="integrationId" value={integrationId} onChange={(event) => setIntegrationId(event.currentTarget.value)}>
          <option value="">all</option>
          {(integrations.value ?? []).map((integration) => <option key={integration.id} value={integration.id}>{integration.name}</option>)}
        </select></label>
        <span class={`stream-state stream-${state.state}`} data-testid="stream-state">{state.state}{state.detail ? ` (${state.detail})` : ''}</span>
      </div>
      <ErrorBox error={integrations.error} />
      <div class="table-wrap">
        <table class="list" aria-label="live updates">
          <thead><tr><th>When</th><th>Update</th><th>Integration</th><th>Event</th><th>Attempt</th><th>Answer</th><th>Latency</th></tr></thead>
          <tbody>
            {updates.length === 0 && <tr><td colSpan={7} class="muted">Waiting for deliveries…</td></tr>}
            {updates.map((update) => (
              <tr key={update.id} data-testid="live-update" data-type={update.type}>
                <td><Time at={update.occurredAt} /></td>
                <td><Badge value={update.type.replace(/^job\./, '')} /></td>
                <td>{update.integrationId ? <a href={href('integrations', update.integrationId)}>{names.get(update.integrationId) ?? shortId(update.integrationId)}</a> : '–'}</td>
                <td>{update.eventId ? <a href={href('events', update.eventId)}>{shortId(update.eventId)}</a> : '–'}</td>
                <td>{update.attempt ?? '–'}</td>
                <td>{update.statusCode === null ? update.errorCode ?? '–' : `HTTP ${update.statusCode}`}</td>
                <td>{update.latencyMs === null ? '–' : `${update.latencyMs} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
