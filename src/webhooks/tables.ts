import type { Generated } from 'kysely'
import type { EndpointRecord } from './store.js'

/**
 * The webhooks feature's tables as Kysely sees them (SQLite and PostgreSQL alike). An endpoint's
 * row is its record (store.ts) but for the two columns each database encodes its own way.
 */
export type WebhookEndpointTable = Omit<EndpointRecord, 'event_types' | 'enabled'> & {
  /** JSON array of event types. */
  event_types: string
  /** SQLite answers 0/1, PostgreSQL a boolean. */
  enabled: number | boolean
}

export interface WebhookDeliveryTable {
  id: Generated<number>
  endpoint_id: string
  event_id: string
  event_type: string
  /** The exact body every attempt sends. */
  payload: string
  status: 'pending' | 'succeeded' | 'failed'
  attempts: number
  /** Epoch ms. */
  next_attempt_at: number | string
  lease_id: string | null
  lease_until: number | string | null
  created_at: string
  finished_at: string | null
  /** Migration 008: its event's trace context (null with tracing off, and on an older release's rows). */
  trace_context: string | null
}

export interface WebhookAttemptTable {
  id: Generated<number>
  delivery_id: number
  endpoint_id: string
  event_id: string
  event_type: string
  attempt: number
  status: 'succeeded' | 'failed'
  response_status: number | null
  error: string | null
  attempted_at: string
  duration_ms: number
  next_attempt_at: string | null
}

export type WebhookTables = {
  webhook_endpoints: WebhookEndpointTable
  webhook_deliveries: WebhookDeliveryTable
  webhook_attempts: WebhookAttemptTable
}
