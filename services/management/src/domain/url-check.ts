// Creation-time check of an integration URL with the same SSRF guard deliveries go through: http(s) only,
// no credentials, and every address the host resolves to must be allowed. Delivery re-checks at connect time.
import { SsrfBlockedError, type SsrfGuard } from '@hookway/outbound';
import { InvalidUrlError } from './operator.js';

const UNRESOLVABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENODATA', 'EAI_NONAME']);

export function urlChecker(guard: SsrfGuard): (url: string) => Promise<void> {
  return async (url) => {
    try {
      await guard.checkResolvedUrl(url);
    } catch (error) {
      if (error instanceof SsrfBlockedError) throw new InvalidUrlError(url, error.reason);
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && UNRESOLVABLE.has(code)) throw new InvalidUrlError(url, `${new URL(url).hostname} does not resolve`);
      throw error;
    }
  };
}
