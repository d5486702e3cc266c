export interface BackoffOptions {
  baseMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000 }

/**
 * Waits before re-sending operations the server refused as `rate_limited`. The server
 * reports that error at most once a second and drops messages silently in between, so
 * the shortest wait (half of `baseMs`) is one second: a re-send refused again is reported.
 */
export const RATE_LIMIT_BACKOFF: BackoffOptions = { baseMs: 2_000, maxMs: 16_000 }

/**
 * How long to wait before reconnect attempt number `attempt` (0 for the first retry):
 * exponential growth capped at `maxMs`, with "equal jitter" — half the delay is fixed,
 * half random — so clients dropped together do not all return in the same instant.
 */
export function reconnectDelayMs(
  attempt: number,
  random: () => number = Math.random,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/** The wait after the server's `reconnect` message: its delay plus up to one second. */
export function serverRequestedDelayMs(afterMs: number, random: () => number = Math.random) {
  return Math.max(0, afterMs) + Math.round(random() * 1000)
}
