/** When and how long to wait before trying a request again. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 4; 1 turns retries off). */
  attempts?: number
  /** First backoff delay in ms, doubled on each attempt, with jitter (default 200). */
  baseDelayMs?: number
  /** Cap on any single wait, `Retry-After` included (default 60000). */
  maxDelayMs?: number
}

const RETRY_STATUSES = new Set([429, 503])

/**
 * Runs `call` (one request through openapi-fetch, which builds a fresh Request each time) and
 * runs it again after a 429 or 503, waiting for `Retry-After` (seconds or an HTTP date) or an
 * exponential backoff; after a connection error too, but only when the request is `repeatable`
 * (reads, and writes that carry an `Idempotency-Key`). A 429 means the service did not
 * act on the request, so any request is repeated then; a 503 only a repeatable one.
 */
export async function withRetries<T extends { response: Response }>(
  call: () => Promise<T>,
  options: RetryOptions,
  repeatable: boolean,
  signal?: AbortSignal
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4)
  const base = options.baseDelayMs ?? 200
  const max = options.maxDelayMs ?? 60_000
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts
    let result: T
    try {
      result = await call()
    } catch (err) {
      if (last || !repeatable || signal?.aborted) throw err
      await sleep(backoff(base, max, attempt), signal)
      continue
    }
    const status = result.response.status
    // A 429 is the rate limit refusing before any work; a 503 may come after a commit whose answer
    // was lost (a dropped database connection, a proxy), so only a request safe to repeat is.
    if (last || !RETRY_STATUSES.has(status) || (status === 503 && !repeatable)) return result
    const wait = retryAfterMs(result.response.headers.get('retry-after')) ?? backoff(base, max, attempt)
    await sleep(Math.min(wait, max), signal)
  }
}

function backoff(base: number, max: number, attempt: number): number {
  const exp = Math.min(max, base * 2 ** (attempt - 1))
  return exp / 2 + Math.random() * (exp / 2)
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', abort)
      resolve()
    }
    function abort() {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', abort, { once: true })
  })
}
