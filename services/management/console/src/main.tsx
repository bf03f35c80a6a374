// The Hookway operator console: sign in with the management API key or a JWT, then the pages below, all
// over the management API this same service serves.
import { render, type JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { Api, ApiError } from './api.js';
import { SessionContext } from './context.js';
import { AuditPage } from './pages/audit.js';
import { DeadLettersPage } from './pages/dead-letters.js';
import { EventPage, EventsPage } from './pages/events.js';
import { IntegrationPage, IntegrationsPage } from './pages/integrations.js';
import { LivePage } from './pages/live.js';
import { OverviewPage } from './pages/overview.js';
import { href, useRoute } from './router.js';
import { credentialOf, identityOf, loadCredential, saveCredential, type Credential } from './session.js';
import { ErrorBox, useAction } from './ui.js';
import './styles.css';

const NAV: [string, string][] = [
  ['overview', 'Overview'],
  ['events', 'Events'],
  ['integrations', 'Integrations'],
  ['dead-letters', 'Dead letters'],
  ['live', 'Live'],
  ['audit', 'Audit'],
];

function SignIn({ onSignedIn, reason }: { onSignedIn: (credential: Credential) => void; reason: ApiError | undefined }): JSX.Element {
  const [text, setText] = useState('');
  const check = useAction(async () => {
    const credential = credentialOf(text);
    if (!credential.value) throw new ApiError(0, 'MISSING_CREDENTIAL', 'paste the management API key or a JWT');
    // Any read proves the credential; the overview is the first page anyway.
    await new Api(credential).get('/stats/overview', { minutes: 1 });
    onSignedIn(credential);
  });
  return (
    <main class="signin">
      <h1>Hookway console</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void check.start();
        }}
      >
        <label class="field">
          <span class="label">Management API key or JWT</span>
          <input
            name="credential"
            type="password"
            autocomplete="off"
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
            placeholder="x-internal-api-key value, or a Bearer token"
          />
          <span class="hint">Kept in this tab's session storage only, and sent as a header.</span>
        </label>
        <button class="primary" type="submit" disabled={check.busy}>Sign in</button>
      </form>
      <ErrorBox error={check.error ?? reason} />
    </main>
  );
}

function Page(): JSX.Element {
  const { path } = useRoute();
  const [section, id] = path;
  switch (section) {
    case 'events':
      return id ? <EventPage id={id} /> : <EventsPage />;
    case 'integrations':
      return id ? <IntegrationPage id={id} /> : <IntegrationsPage />;
    case 'dead-letters':
      return <DeadLettersPage />;
    case 'live':
      return <LivePage />;
    case 'audit':
      return <AuditPage />;
    default:
      return <OverviewPage />;
  }
}

function App(): JSX.Element {
  const [credential, setCredential] = useState<Credential | null>(loadCredential);
  const [signedOutBy, setSignedOutBy] = useState<ApiError | undefined>();
  const { path } = useRoute();
  const session = useMemo(() => {
    if (!credential) return null;
    const api = new Api(credential, (error) => {
      // The credential stopped working (rotated key, expired token): back to sign-in, saying why.
      saveCredential(null);
      setSignedOutBy(error);
      setCredential(null);
    });
    return { api, credential, identity: identityOf(credential) };
  }, [credential]);

  if (!session) {
    return (
      <SignIn
        reason={signedOutBy}
        onSignedIn={(signedIn) => {
          saveCredential(signedIn);
          setSignedOutBy(undefined);
          setCredential(signedIn);
        }}
      />
    );
  }
  const active = path[0] ?? 'overview';
  return (
    <SessionContext.Provider value={session}>
      <header class="top">
        <a class="brand" href={href('overview')}>Hookway</a>
        <nav>
          {NAV.map(([key, label]) => (
            <a key={key} href={href(key)} class={active === key ? 'active' : ''} aria-current={active === key ? 'page' : undefined}>{label}</a>
          ))}
        </nav>
        <span class="who" data-testid="identity">
          {session.identity.actor}
          {!session.identity.canWrite && <span class="badge badge-readonly">read-only</span>}
        </span>
        <button
          type="button"
          onClick={() => {
            saveCredential(null);
            setCredential(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main class="page">
        <Page />
      </main>
    </SessionContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
