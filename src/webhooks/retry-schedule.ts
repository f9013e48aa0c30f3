/** The longest a receiver's Retry-After may push an attempt back. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000

/**
 * When to try again after attempt number `attempt` (1-based) failed: the schedule's delay, or
 * the receiver's Retry-After when it sent one; undefined when the schedule is spent.
 */
export function nextAttemptDelay(scheduleMs: number[], attempt: number, retryAfterMs?: number): number | undefined {
  const scheduled = scheduleMs[attempt - 1]
  if (scheduled === undefined) return undefined
  return retryAfterMs === undefined ? scheduled : Math.min(retryAfterMs, MAX_RETRY_AFTER_MS)
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
