import type { components } from './openapi.js'

export type OrgStatus = components['schemas']['OrgStatus']

interface Entry {
  status: OrgStatus
  etag: string | undefined
  fetchedAt: number
}

/** What a fetch of one status found: a new status, "not modified", or "gone" (404). */
export type StatusFetch = { kind: 'fresh'; status: OrgStatus; etag: string | undefined } | { kind: 'not-modified' }

/**
 * The read cache behind `client.getStatus`: entries served from memory for `maxAgeMs`, then
 * revalidated with `If-None-Match` (a 304 costs no body). `invalidate` drops an org at once (the
 * change feed calls it); a fetch that was already under way when its org was invalidated does not
 * put its (possibly older) answer back. Concurrent misses for one org share one request.
 */
export class StatusCache {
  private readonly entries = new Map<string, Entry>()
  // One per fetch under way: `invalidate` marks it stale, so its answer is not stored. Only orgs
  // with a fetch under way have one (an org invalidated once is not remembered forever).
  private readonly inFlight = new Map<string, { request: Promise<OrgStatus>; stale: boolean }>()

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = () => performance.now()
  ) {}

  get size(): number {
    return this.entries.size
  }

  async get(orgId: string, fetchStatus: (etag: string | undefined) => Promise<StatusFetch>): Promise<OrgStatus> {
    const entry = this.entries.get(orgId)
    if (entry && this.now() - entry.fetchedAt < this.maxAgeMs) return entry.status
    const pending = this.inFlight.get(orgId)
    if (pending) return pending.request
    const fetching = { request: undefined as unknown as Promise<OrgStatus>, stale: false }
    fetching.request = (async () => {
      try {
        const result = await fetchStatus(entry?.etag)
        const current = !fetching.stale
        if (result.kind === 'not-modified') {
          if (!entry) throw new Error('304 without a cached status')
          if (current) this.store(orgId, { ...entry, fetchedAt: this.now() })
          return entry.status
        }
        if (current) this.store(orgId, { status: result.status, etag: result.etag, fetchedAt: this.now() })
        return result.status
      } catch (err) {
        // A 404 or any failure: nothing stale stays behind.
        if (!fetching.stale) this.entries.delete(orgId)
        throw err
      } finally {
        if (this.inFlight.get(orgId) === fetching) this.inFlight.delete(orgId)
      }
    })()
    this.inFlight.set(orgId, fetching)
    return fetching.request
  }

  /** Fetches under way (each org at most one): for the tests. */
  get fetching(): number {
    return this.inFlight.size
  }

  invalidate(orgId: string): void {
    const fetching = this.inFlight.get(orgId)
    if (fetching) fetching.stale = true
    this.entries.delete(orgId)
    this.inFlight.delete(orgId)
  }

  clear(): void {
    for (const orgId of [...this.entries.keys(), ...this.inFlight.keys()]) this.invalidate(orgId)
  }

  private store(orgId: string, entry: Entry): void {
    this.entries.delete(orgId)
    this.entries.set(orgId, entry)
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
  }
}
