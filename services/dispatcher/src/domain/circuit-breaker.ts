// When a dead job takes its integration down with it: a 410 Gone says the endpoint is gone for good;
// otherwise the circuit breaker opens once `threshold` jobs in a row have died. The streak counts
// failed JOBS, not attempts (a job retried ten times is one failure), and any successful attempt resets it.

export function circuitBreakerReason(consecutiveFailedJobs: number): string {
  return `circuit breaker: ${consecutiveFailedJobs} consecutive failed jobs`;
}

/**
 * Why the integration must be disabled after a job died, or null when it stays as it is.
 * `goneReason` is set when the endpoint answered 410; `consecutiveFailedJobs` includes this job.
 */
export function disableReason(goneReason: string | null, consecutiveFailedJobs: number, threshold: number): string | null {
  if (goneReason !== null) return goneReason;
  return consecutiveFailedJobs >= threshold ? circuitBreakerReason(consecutiveFailedJobs) : null;
}
