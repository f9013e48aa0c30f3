import { decodeCursor, encodeCursor, type Position, START } from './cursor.js'
import type { FeedFilter, FeedStore } from './feed-store.js'
import type { FeedEvent } from './schemas.js'

/** What tells the feed that something may have committed (orgs' change notifications). */
export interface ChangeSource {
  subscribe(listener: (orgId: string) => void): () => void
}

export interface FeedRequest {
  /** A cursor, `now`, or undefined for the start. */
  after?: string
  limit: number
  waitMs: number
  orgId?: string
  /** Only these orgs' events (a grant limited to some orgs). */
  orgIds?: readonly string[]
  /** Ends a long poll early (client gone, server closing): the answer is then empty. */
  signal?: AbortSignal
}

// While committed events are held back by an older transaction in flight, ask again this often;
// otherwise a waiting request re-reads at least this often even if a notification was lost.
const PENDING_RECHECK_MS = 20
const SAFETY_RECHECK_MS = 1_000

/** The change feed: pages of committed changes after a cursor, optionally waiting for the next. */
export class ChangeFeed {
  constructor(
    private readonly store: FeedStore,
    private readonly changes: ChangeSource
  ) {}

  async read(request: FeedRequest): Promise<{ data: FeedEvent[]; next_cursor: string }> {
    const from = await this.position(request.after)
    const deadline = Date.now() + request.waitMs
    const filter: FeedFilter = {
      ...(request.orgId !== undefined ? { orgId: request.orgId } : {}),
      ...(request.orgIds !== undefined ? { orgIds: request.orgIds } : {})
    }
    const waiter = new ChangeWaiter(this.changes, request.orgId)
    try {
      for (;;) {
        waiter.arm()
        const page = await this.store.readAfter(from, request.limit, filter)
        if (page.last) return { data: page.events, next_cursor: encodeCursor(page.last) }
        const remaining = deadline - Date.now()
        if (remaining <= 0 || request.signal?.aborted) return { data: [], next_cursor: encodeCursor(from) }
        await waiter.wait(Math.min(remaining, page.pending ? PENDING_RECHECK_MS : SAFETY_RECHECK_MS), request.signal)
      }
    } finally {
      waiter.close()
    }
  }

  /** The position after which a follower starting now would read. */
  end(): Promise<Position> {
    return this.store.end()
  }

  readAfter(after: Position, limit: number) {
    return this.store.readAfter(after, limit)
  }

  private async position(after: string | undefined): Promise<Position> {
    if (after === undefined) return START
    if (after === 'now') return this.store.end()
    return decodeCursor(after)
  }
}

/** Resolves a wait early when a change (of the org, if one is named) is heard after arm(). */
class ChangeWaiter {
  private heard = false
  private wake: (() => void) | undefined
  private readonly unsubscribe: () => void

  constructor(changes: ChangeSource, orgId: string | undefined) {
    this.unsubscribe = changes.subscribe((changed) => {
      if (orgId !== undefined && changed !== orgId) return
      this.heard = true
      this.wake?.()
    })
  }

  arm(): void {
    this.heard = false
  }

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.heard || signal?.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        this.wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal?.addEventListener('abort', done, { once: true })
      this.wake = done
    })
  }

  close(): void {
    this.wake?.()
    this.unsubscribe()
  }
}
