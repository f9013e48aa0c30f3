import type { Generated } from 'kysely'

/** The webhooks feature's tables as Kysely sees them (SQLite and PostgreSQL alike). */
export interface WebhookEndpointTable {
  id: string
  url: string
  description: string
  /** JSON array of event types. */
  event_types: string
  /** SQLite answers 0/1, PostgreSQL a boolean. */
  enabled: number | boolean
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
