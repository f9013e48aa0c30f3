import { LRUCache } from 'lru-cache'

/** Bad credentials from one address within a minute before it is refused with 429. */
export const BAD_CREDENTIALS_PER_MINUTE = 20
const WINDOW_MS = 60_000
/** Addresses tracked at once: an attacker spreading over more addresses evicts the oldest first. */
const MAX_ADDRESSES = 100_000

interface Window {
  startedAt: number
  failures: number
}

/**
 * Counts bad credentials (presented and refused; a missing credential does not count) per client
 * address in windows of a minute. An address that reached the limit is refused, without its
 * credential being checked, until its window ends. Per instance, in memory.
 */
export class BadCredentialLimiter {
  private readonly windows = new LRUCache<string, Window>({ max: MAX_ADDRESSES, ttl: WINDOW_MS })

  constructor(
    private readonly limit = BAD_CREDENTIALS_PER_MINUTE,
    private readonly now: () => number = Date.now
  ) {}

  /** Seconds until the address may try again; 0 while it may. */
  retryAfter(address: string): number {
    if (this.windows.size === 0) return 0
    const window = this.windows.get(address)
    if (!window || window.failures < this.limit) return 0
    const left = window.startedAt + WINDOW_MS - this.now()
    return left > 0 ? Math.ceil(left / 1000) : 0
  }

  recordFailure(address: string): void {
    const now = this.now()
    const window = this.windows.get(address)
    if (!window || now - window.startedAt >= WINDOW_MS) {
      this.windows.set(address, { startedAt: now, failures: 1 })
      return
    }
    window.failures++
  }
}
