// Defence in depth: whatever a publisher put in a fact, key names that smell of credentials are
// replaced before the entry is hashed and stored forever.
const SENSITIVE_KEY = /secret|token|password|passwd|signature|api[-_]?key|authorization|cookie/i;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) =>
      SENSITIVE_KEY.test(key) ? [key, '[redacted]'] : [key, redactSecrets(item)],
    ),
  );
}
