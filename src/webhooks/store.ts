import type { EventType } from '../events/schemas.js'

export const TEST_EVENT_TYPE = 'webhook.test'

/** An endpoint as stored, its secrets sealed. */
export interface EndpointRecord {
  id: string
  url: string
  description: string
  event_types: EventType[]
  enabled: boolean
  /** Sealed (see secrets.ts). */
  secret: string
  previous_secret: string | null
  /** Until when the previous secret signs too (RFC 3339). */
  previous_secret_until: string | null
  /** The change feed position after which events are still to be fanned out to this endpoint. */
  cursor: string
  failing_since: string | null
  disabled_reason: string | null
  created_at: string
  updated_at: string
}

export type EndpointChanges = Partial<
  Pick<EndpointRecord, 'url' | 'description' | 'event_types' | 'enabled' | 'cursor' | 'disabled_reason' | 'failing_since'>
>

export interface NewDelivery {
  endpoint_id: string
  event_id: string
  event_type: string
  payload: string
  /** Epoch ms of the first attempt. */
  next_attempt_at: number
  created_at: string
  /** The `traceparent` its event keeps (tracing on): each attempt's span continues that trace. */
  trace_context?: string | null
}

export interface FanOut {
  endpointId: string
  from: string
  to: string
  deliveries: NewDelivery[]
}

/** A delivery claimed for one attempt, with what sending it needs. */
export interface ClaimedDelivery {
  id: number
  lease_id: string
  endpoint_id: string
  event_id: string
  event_type: string
  payload: string
  /** Attempts made before this one. */
  attempts: number
  url: string
  /** Sealed secrets that sign: the current one, and the previous one while it still does. */
  secrets: string[]
  /** The `traceparent` of the request that made the change (migration 008); null without one. */
  trace_context: string | null
}

/** What an attempt came to, as recorded. */
export interface AttemptOutcome {
  delivery: ClaimedDelivery
  succeeded: boolean
  response_status: number | null
  error: string | null
  attempted_at: string
  duration_ms: number
  /** Epoch ms of the next attempt; undefined when this was the last. */
  next_attempt_at?: number
}

export interface DeliveryView {
  event_id: string
  event_type: string
  attempt: number
  status: 'pending' | 'succeeded' | 'failed'
  response_status: number | null
  error: string | null
  attempted_at: string | null
  next_attempt_at: string | null
}

export interface WebhookStore {
  createEndpoint(endpoint: EndpointRecord): Promise<void>
  listEndpoints(): Promise<EndpointRecord[]>
  findEndpoint(id: string): Promise<EndpointRecord | undefined>
  updateEndpoint(id: string, changes: EndpointChanges, at: string): Promise<EndpointRecord | undefined>
  /** Removes the endpoint; its pending deliveries fail; its records stay until purged. */
  deleteEndpoint(id: string, at: string): Promise<boolean>
  rotateSecret(id: string, secret: string, previous: string, previousUntil: string, at: string): Promise<boolean>

  /**
   * In one transaction, for each endpoint: moves its cursor from `from` to `to` and queues its
   * deliveries; an endpoint whose cursor had moved meanwhile is left alone. Answers the endpoints moved.
   */
  fanOut(moves: FanOut[]): Promise<string[]>
  queue(delivery: NewDelivery): Promise<void>
  /**
   * Leases up to `limit` due deliveries (of enabled endpoints, or test events) for one attempt
   * each, at most `slotsOf(endpoint)` of each endpoint's.
   */
  claimDue(now: number, limit: number, leaseMs: number, slotsOf: (endpointId: string) => number, nowIso: string): Promise<ClaimedDelivery[]>
  /** Records attempts whose lease is still held, and each endpoint's health, in one transaction. */
  record(outcomes: AttemptOutcome[], failingLimitMs: number): Promise<void>
  /** Epoch ms of the next pending attempt, if any. */
  nextDue(): Promise<number | undefined>
  /** Deliveries waiting for an attempt (the queue's depth). */
  pendingCount(): Promise<number>
  deliveries(endpointId: string, limit: number): Promise<DeliveryView[]>
  /** Drops finished deliveries and attempts older than `before` (RFC 3339). */
  purge(before: string): Promise<void>
}
