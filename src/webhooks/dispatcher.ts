import { decodeCursor, encodeCursor } from '../events/cursor.js'
import type { FeedPage } from '../events/feed-store.js'
import type { FeedEvent } from '../events/schemas.js'
import type { Position } from '../events/cursor.js'
import type { EndpointRecord, FanOut, WebhookStore } from './store.js'

/** Events fanned out per round; while the API is busy, fewer (the log keeps the rest). */
const BATCH = 500
const BATCH_WHEN_BUSY = 20

/** What the dispatcher reads: the change feed, in commit order. */
export interface FeedSource {
  readAfter(after: Position, limit: number): Promise<FeedPage>
}

/** The body of a delivery, as Standard Webhooks has it: `{type, timestamp, data}`, data the feed event without its type. */
export function deliveryBody(event: FeedEvent): string {
  const { type, ...data } = event
  return JSON.stringify({ type, timestamp: event.occurred_at, data })
}

export interface DispatchRound {
  /** New deliveries were queued. */
  queued: boolean
  /** Events are waiting (a full batch, or events held back by a transaction in flight): run again soon. */
  more: boolean
}

/**
 * Fans the change feed out to the endpoints: each enabled endpoint's cursor moves past the events
 * read, and their deliveries are queued, in one transaction (a compare-and-set on the cursor, so
 * two instances never queue an event twice). Nothing is lost between a commit and its delivery:
 * the event is in the log, and the cursor moves only with the deliveries.
 */
export class Dispatcher {
  private enabledEndpoints = true

  constructor(
    private readonly store: WebhookStore,
    private readonly feed: FeedSource,
    private readonly nowIso: () => string,
    private readonly busy: () => boolean = () => false
  ) {}

  /**
   * Whether the last round found an enabled endpoint (or one was created or changed here since):
   * without one, a committed change has nothing to wake the dispatcher for, and a service with no
   * webhooks pays no query per write. Endpoints made on another instance are seen at the next poll.
   */
  get hasEnabledEndpoints(): boolean {
    return this.enabledEndpoints
  }

  endpointsChanged(): void {
    this.enabledEndpoints = true
  }

  async run(): Promise<DispatchRound> {
    const batch = this.busy() ? BATCH_WHEN_BUSY : BATCH
    const round: DispatchRound = { queued: false, more: false }
    // Endpoints at one position (the usual case) share one read of the feed.
    const byCursor = new Map<string, EndpointRecord[]>()
    for (const endpoint of await this.store.listEndpoints()) {
      if (endpoint.enabled) byCursor.set(endpoint.cursor, [...(byCursor.get(endpoint.cursor) ?? []), endpoint])
    }
    this.enabledEndpoints = byCursor.size > 0
    const moves: FanOut[] = []
    const at = Date.now()
    const createdAt = this.nowIso()
    for (const [cursor, endpoints] of byCursor) {
      const page = await this.feed.readAfter(decodeCursor(cursor), batch)
      if (page.pending || page.events.length === batch) round.more = true
      if (!page.last) continue
      const bodies = new Map(page.events.map((event) => [event.id, deliveryBody(event)]))
      for (const endpoint of endpoints) {
        const deliveries = page.events
          .filter((event) => endpoint.event_types.includes(event.type))
          .map((event) => ({
            endpoint_id: endpoint.id,
            event_id: event.id,
            event_type: event.type,
            payload: bodies.get(event.id)!,
            next_attempt_at: at,
            created_at: createdAt,
            trace_context: page.traceContexts.get(event.id) ?? null
          }))
        moves.push({ endpointId: endpoint.id, from: cursor, to: encodeCursor(page.last), deliveries })
      }
    }
    const moved = new Set(await this.store.fanOut(moves))
    if (moves.some((m) => !moved.has(m.endpointId))) round.more = true
    if (moves.some((m) => moved.has(m.endpointId) && m.deliveries.length > 0)) round.queued = true
    return round
  }
}
