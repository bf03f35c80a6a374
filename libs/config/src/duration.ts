// Human durations ("50ms", "5s", "2m", "1h") as used by RETRY_SCHEDULE and friends.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration (use e.g. 50ms, 5s, 2m, 1h)`);
  const [, amount, unit] = match as unknown as [string, string, string];
  const ms = Math.round(Number(amount) * (UNIT_MS[unit] ?? NaN));
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`"${text}" must be a positive duration`);
  return ms;
}

export function parseDurationList(text: string): number[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(parseDuration);
}
