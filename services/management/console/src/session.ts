// The operator's credential: the management API key or a JWT, kept in sessionStorage only (gone when the
// tab closes) and sent as a header on every request.
const STORAGE_KEY = 'hookway.console.credential';

export interface Credential {
  kind: 'apiKey' | 'jwt';
  value: string;
}

export interface Identity {
  actor: string;
  canWrite: boolean;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function credentialOf(text: string): Credential {
  const value = text.trim().replace(/^Bearer\s+/i, '');
  return { kind: JWT_SHAPE.test(value) ? 'jwt' : 'apiKey', value };
}

export function loadCredential(): Credential | null {
  const stored = sessionStorage.getItem(STORAGE_KEY);
  if (!stored) return null;
  try {
    const parsed = JSON.parse(stored) as Partial<Credential>;
    return (parsed.kind === 'apiKey' || parsed.kind === 'jwt') && typeof parsed.value === 'string' ? { kind: parsed.kind, value: parsed.value } : null;
  } catch {
    return null;
  }
}

export function saveCredential(credential: Credential | null): void {
  if (credential) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credential));
  else sessionStorage.removeItem(STORAGE_KEY);
}

export function authHeaders(credential: Credential): Record<string, string> {
  return credential.kind === 'apiKey' ? { 'x-internal-api-key': credential.value } : { authorization: `Bearer ${credential.value}` };
}

/**
 * Who the credential speaks for, to decide which buttons to show. The API key may do everything; a JWT's
 * scope claim says (the server still checks every request: this only hides what would answer 403).
 */
export function identityOf(credential: Credential): Identity {
  if (credential.kind === 'apiKey') return { actor: 'api-key', canWrite: true };
  try {
    const payload = credential.value.split('.')[1] ?? '';
    const json = atob(payload.replaceAll('-', '+').replaceAll('_', '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims = JSON.parse(json) as { sub?: unknown; scope?: unknown };
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    return { actor: typeof claims.sub === 'string' ? claims.sub : 'unknown', canWrite: scopes.includes('webhooks:write') };
  } catch {
    return { actor: 'unknown', canWrite: false };
  }
}
