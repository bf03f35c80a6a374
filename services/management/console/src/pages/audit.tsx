// Audit: the entries with their filters, and the verdict of the whole hash chain.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useSession } from '../context.js';
import type { AuditEntry, ChainVerdict } from '../types.js';
import { ErrorBox, Field, Json, Pager, Time, useLoad } from '../ui.js';

interface AuditFilter {
  entityType: string;
  entityId: string;
  action: string;
}

const EMPTY: AuditFilter = { entityType: '', entityId: '', action: '' };

export function AuditPage(): JSX.Element {
  const { api } = useSession();
  const [draft, setDraft] = useState<AuditFilter>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>(EMPTY);
  const [page, setPage] = useState(1);
  const query = { ...filter, page, pageSize: 20 };
  const list = useLoad(async () => api.get<AuditEntry[]>('/audit-entries', query), [JSON.stringify(query)]);
  const chain = useLoad(async () => (await api.get<ChainVerdict>('/audit-entries/verify')).data, []);
  const set = (name: keyof AuditFilter) => (event: { currentTarget: { value: string } }) => setDraft({ ...draft, [name]: event.currentTarget.value });

  return (
    <section>
      <h1>Audit</h1>
      <div class="toolbar">
        <ErrorBox error={chain.error} />
        {chain.value && (
          <span data-testid="chain" class={chain.value.valid ? 'ok' : 'bad'}>
            Chain {chain.value.valid ? 'valid' : `broken at entry ${chain.value.firstInvalidId}`}: {chain.value.checked} entries checked
          </span>
        )}
        <button type="button" disabled={chain.loading} onClick={chain.reload}>Verify again</button>
      </div>
      <form
        class="filters"
        aria-label="audit filters"
        onSubmit={(event) => {
          event.preventDefault();
          setPage(1);
          setFilter(draft);
          // Applying the same filter again reads the list again.
          list.reload();
        }}
      >
        <Field label="Entity type" name="entityType" error={list.error}><input name="entityType" value={draft.entityType} onInput={set('entityType')} placeholder="integration, job, event" /></Field>
        <Field label="Entity id" name="entityId" error={list.error}><input name="entityId" value={draft.entityId} onInput={set('entityId')} /></Field>
        <Field label="Action" name="action" error={list.error}><input name="action" value={draft.action} onInput={set('action')} placeholder="created" /></Field>
        <div class="actions">
          <button class="primary" type="submit">Apply</button>
          <button type="button" onClick={() => { setDraft(EMPTY); setFilter(EMPTY); setPage(1); }}>Clear</button>
        </div>
      </form>
      <ErrorBox error={list.error} />
      {list.value && (
        <>
          <div class="table-wrap">
            <table class="list" aria-label="audit entries">
              <thead><tr><th>#</th><th>When</th><th>Entity</th><th>Action</th><th>Actor</th><th>Details</th></tr></thead>
              <tbody>
                {list.value.data.length === 0 && <tr><td colSpan={6} class="muted">No entries match.</td></tr>}
                {list.value.data.map((entry) => (
                  <tr key={entry.id}>
                    <td>{entry.id}</td>
                    <td><Time at={entry.occurredAt} /></td>
                    <td>{entry.entityType} <code>{entry.entityId}</code></td>
                    <td>{entry.action}</td>
                    <td>{entry.actor}</td>
                    <td><details><summary>details</summary><Json value={entry.details} /></details></td>
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
