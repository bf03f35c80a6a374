// Small building blocks shared by the pages: loading state, errors, form fields with the API's message next
// to them, paging, JSON and header views, confirmations.
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface Loaded<T> {
  value: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change; `reload` runs it again. A late answer never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  useEffect(() => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (value) => mine === generation.current && setState({ value, loading: false }),
      (error: unknown) => mine === generation.current && setState((previous) => ({ ...previous, error: asApiError(error), loading: false })),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { value: state.value, error: state.error, loading: state.loading, reload };
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'CLIENT_ERROR', error instanceof Error ? error.message : String(error));
}

/** A submit that cannot run twice at once, with its error kept for the form to show. */
export function useAction<A extends unknown[], T>(run: (...args: A) => Promise<T>): {
  busy: boolean;
  error: ApiError | undefined;
  start: (...args: A) => Promise<T | undefined>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const running = useRef(false);
  const start = async (...args: A): Promise<T | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    setError(undefined);
    try {
      return await run(...args);
    } catch (thrown) {
      setError(asApiError(thrown));
      return undefined;
    } finally {
      running.current = false;
      setBusy(false);
    }
  };
  return { busy, error, start, clear: () => setError(undefined) };
}

export function ErrorBox({ error }: { error: ApiError | undefined }): JSX.Element | null {
  if (!error) return null;
  const unplaced = error.problems.filter((problem) => !problem.path.split('/')[1]);
  return (
    <div class="error" role="alert" data-status={error.status}>
      <strong>{error.summary}</strong>
      {unplaced.map((problem) => <div key={problem.message}>{problem.message}</div>)}
    </div>
  );
}

export function Field(props: { label: string; name: string; error?: ApiError | undefined; hint?: string; children: ComponentChildren }): JSX.Element {
  const message = props.error?.problemFor(props.name);
  return (
    <label class={`field${message ? ' invalid' : ''}`}>
      <span class="label">{props.label}</span>
      {props.children}
      {props.hint && <span class="hint">{props.hint}</span>}
      {message && <span class="field-error" data-field={props.name}>{message}</span>}
    </label>
  );
}

export function Pager({ meta, onPage }: { meta: { page?: number; totalPages?: number; total?: number }; onPage: (page: number) => void }): JSX.Element {
  const page = meta.page ?? 1;
  const pages = Math.max(meta.totalPages ?? 1, 1);
  return (
    <nav class="pager" aria-label="pages">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>‹ Previous</button>
      <span>Page {page} of {pages} · {meta.total ?? 0} in all</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>Next ›</button>
    </nav>
  );
}

export function Json({ value }: { value: unknown }): JSX.Element {
  return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
}

export function HeaderTable({ headers, label }: { headers: Record<string, unknown> | null; label: string }): JSX.Element {
  const entries = Object.entries(headers ?? {});
  return (
    <table class="headers" aria-label={label}>
      <tbody>
        {entries.length === 0 && <tr><td class="muted">none</td></tr>}
        {entries.map(([name, value]) => (
          <tr key={name}><th scope="row">{name}</th><td>{Array.isArray(value) ? value.join(', ') : String(value)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

export function Badge({ value }: { value: string }): JSX.Element {
  return <span class={`badge badge-${value.replace(/[^a-z_]/gi, '')}`}>{value}</span>;
}

export function Time({ at }: { at: string | null | undefined }): JSX.Element {
  if (!at) return <span class="muted">–</span>;
  const date = new Date(at);
  return <time dateTime={at} title={at}>{date.toLocaleString()}</time>;
}

export function ago(at: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

/** A button that asks before it acts: the question and a confirm/cancel pair appear in its place. */
export function ConfirmButton(props: {
  label: string;
  question: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  danger?: boolean;
  disabled?: boolean;
}): JSX.Element {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return <button type="button" class={props.danger ? 'danger' : ''} disabled={props.disabled} onClick={() => setAsking(true)}>{props.label}</button>;
  }
  return (
    <div class="confirm" role="alertdialog">
      <span>{props.question}</span>
      <button
        type="button"
        class={props.danger ? 'danger' : 'primary'}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void props.onConfirm().finally(() => {
            setBusy(false);
            setAsking(false);
          });
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>Cancel</button>
    </div>
  );
}

export function Copy({ text }: { text: string }): JSX.Element {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={() => {
        void navigator.clipboard.writeText(text).then(() => setCopied(true), () => setCopied(false));
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/** Datetime-local input values ("2026-12-04T21:05") as RFC 3339 in UTC, and back. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}
