/** When and how long to wait before trying a request again. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 4; 1 turns retries off). */
  attempts?: number
  /** First backoff delay in ms, doubled on each attempt, with jitter (default 200). */
  baseDelayMs?: number
  /** Cap on any single wait, `Retry-After` included (default 60000). */
  maxDelayMs?: number
}

type Fetch = (input: Request) => Promise<Response>

const RETRY_STATUSES = new Set([429, 503])

/**
 * Wraps `fetch` so that 429 and 503 answers are tried again after `Retry-After` (seconds or an
 * HTTP date) or an exponential backoff, and so are connection errors, but only for requests that
 * are safe to repeat: reads, PUT and DELETE, and POSTs that carry an `Idempotency-Key`.
 * A 429 or 503 means the service did not act on the request, so any method may be repeated then.
 */
export function retryingFetch(inner: Fetch, options: RetryOptions = {}): Fetch {
  const attempts = Math.max(1, options.attempts ?? 4)
  const base = options.baseDelayMs ?? 200
  const max = options.maxDelayMs ?? 60_000
  return async (request) => {
    const repeatable = request.method !== 'POST' || request.headers.has('idempotency-key')
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts
      let response: Response
      try {
        response = await inner(last ? request : request.clone())
      } catch (err) {
        if (last || !repeatable || request.signal.aborted) throw err
        await sleep(backoff(base, max, attempt), request.signal)
        continue
      }
      if (last || !RETRY_STATUSES.has(response.status)) return response
      const wait = retryAfterMs(response.headers.get('retry-after')) ?? backoff(base, max, attempt)
      await response.body?.cancel()
      await sleep(Math.min(wait, max), request.signal)
    }
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
