import { decodeCursor, encodeCursor } from '../events/cursor.js'
import type { FeedPage } from '../events/feed-store.js'
import type { FeedEvent } from '../events/schemas.js'
import type { Position } from '../events/cursor.js'
import type { NewDelivery, WebhookStore } from './store.js'

const BATCH = 500

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
  constructor(
    private readonly store: WebhookStore,
    private readonly feed: FeedSource,
    private readonly nowIso: () => string
  ) {}

  async run(): Promise<DispatchRound> {
    const round: DispatchRound = { queued: false, more: false }
    for (const endpoint of await this.store.listEndpoints()) {
      if (!endpoint.enabled) continue
      const page = await this.feed.readAfter(decodeCursor(endpoint.cursor), BATCH)
      if (page.pending || page.events.length === BATCH) round.more = true
      if (!page.last) continue
      const at = Date.now()
      const createdAt = this.nowIso()
      const deliveries: NewDelivery[] = page.events
        .filter((event) => endpoint.event_types.includes(event.type))
        .map((event) => ({
          endpoint_id: endpoint.id,
          event_id: event.id,
          event_type: event.type,
          payload: deliveryBody(event),
          next_attempt_at: at,
          created_at: createdAt
        }))
      const moved = await this.store.fanOut(endpoint.id, endpoint.cursor, encodeCursor(page.last), deliveries)
      if (moved && deliveries.length > 0) round.queued = true
      if (!moved) round.more = true
    }
    return round
  }
}
