// What every page needs: the API client, who is signed in, and whether they may write.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api.js';
import type { Credential, Identity } from './session.js';

export interface Session {
  api: Api;
  credential: Credential;
  identity: Identity;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
