// Opening a sealed signing secret (AES-256-GCM) on every delivery showed in the dispatcher's CPU profile
// under load, for the same few secrets over and over. The plaintext of recently used sealed values
// is kept, bounded. A sealed value never changes meaning (rotating a secret stores a new sealed string,
// with a fresh IV), so an entry cannot go stale; it only ages out.

/** Wraps `open` with a cache of at most `maxEntries` sealed values, the oldest dropped first. */
export function cachedOpener(open: (sealed: string) => string, maxEntries = 1_000): (sealed: string) => string {
  const opened = new Map<string, string>();
  return (sealed) => {
    const cached = opened.get(sealed);
    if (cached !== undefined) return cached;
    const secret = open(sealed);
    if (opened.size >= maxEntries) {
      const oldest = opened.keys().next();
      if (!oldest.done) opened.delete(oldest.value);
    }
    opened.set(sealed, secret);
    return secret;
  };
}
