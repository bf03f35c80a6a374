export { SsrfGuard, SsrfBlockedError, type GuardedLookup, type LookupCallback } from './ssrf-guard.js';
