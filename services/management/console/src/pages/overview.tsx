// Overview: traffic per minute over the last hour, integrations by state, the backlog and the audit chain.
import type { JSX } from 'preact';
import { useEffect, useMemo } from 'preact/hooks';
import { TimeChart } from '../chart.js';
import { useSession } from '../context.js';
import { href } from '../router.js';
import type { ChainVerdict, Overview } from '../types.js';
import { ago, ErrorBox, useLoad } from '../ui.js';

const REFRESH_MS = 15_000;

export function OverviewPage(): JSX.Element {
  const { api } = useSession();
  const overview = useLoad(async () => (await api.get<Overview>('/stats/overview', { minutes: 60 })).data, []);
  const chain = useLoad(async () => (await api.get<ChainVerdict>('/audit-entries/verify')).data, []);
  useEffect(() => {
    const timer = setInterval(overview.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [overview.reload]);
  const data = overview.value;
  const chart = useMemo(() => {
    if (!data) return undefined;
    return {
      times: data.perMinute.map((bucket) => Date.parse(bucket.minute) / 1000),
      series: [
        { label: 'received', color: '#2563eb', values: data.perMinute.map((bucket) => bucket.received) },
        { label: 'delivered', color: '#16a34a', values: data.perMinute.map((bucket) => bucket.delivered) },
        { label: 'failed', color: '#dc2626', values: data.perMinute.map((bucket) => bucket.failed) },
      ],
    };
  }, [data]);

  return (
    <section>
      <h1>Overview</h1>
      <ErrorBox error={overview.error} />
      {data && (
        <>
          <div class="cards">
            <div class="card"><span class="label">Active integrations</span><strong data-testid="active-integrations">{data.integrationsByState.active}</strong>
              <span class="muted">{data.integrationsByState.paused} paused · {data.integrationsByState.disabled} disabled</span></div>
            <div class="card"><span class="label">Dead letters</span><strong data-testid="dead-letters">{data.deadLetters}</strong>
              <a href={href('dead-letters')}>See them</a></div>
            <div class="card"><span class="label">Jobs waiting</span><strong>{data.pendingJobs}</strong>
              {data.oldestPendingJob
                ? <span>oldest {ago(data.oldestPendingJob.createdAt)}, <a href={href('events', data.oldestPendingJob.eventId)}>its event</a> ({data.oldestPendingJob.status})</span>
                : <span class="muted">none waiting</span>}</div>
            <div class="card"><span class="label">Audit chain</span>
              {chain.error && <ErrorBox error={chain.error} />}
              {chain.value && (
                <strong data-testid="chain" class={chain.value.valid ? 'ok' : 'bad'}>
                  {chain.value.valid ? 'valid' : `broken at entry ${chain.value.firstInvalidId}`}
                </strong>
              )}
              {chain.value && <span class="muted">{chain.value.checked} entries checked</span>}</div>
          </div>
          <h2>Per minute, last {data.windowMinutes} minutes</h2>
          {chart && <TimeChart label="events received, delivered and failed per minute" times={chart.times} series={chart.series} unit="per minute" />}
        </>
      )}
    </section>
  );
}
