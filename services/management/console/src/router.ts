// Hash routes (#/events/<id>), so the service serves one index.html for the whole console.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  path: string[];
}

function current(): Route {
  const hash = window.location.hash.replace(/^#\/?/, '');
  return { path: hash.split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const changed = (): void => setRoute(current());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function go(...parts: string[]): void {
  window.location.hash = href(...parts);
}
