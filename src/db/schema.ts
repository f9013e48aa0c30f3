import type { Generated } from 'kysely'

/** The tables as Kysely sees them; one interface serves SQLite and PostgreSQL. */
export interface Database {
  vipps_org_configs: OrgConfigTable
  vipps_org_events: OrgEventTable
  idempotency_keys: IdempotencyKeyTable
}

export interface OrgConfigTable {
  id: Generated<number>
  org_id: string
  client_id: string
  client_secret_ref: string
  redirect_uri: string
  /** JSON array of scope names. */
  scopes: string
  environment: 'production' | 'test'
  /** SQLite answers 0/1, PostgreSQL a boolean; both accept 0/1 on the way in. */
  vipps_enabled: number | boolean
  /** Grows by one with every change of the org_id, across deletes and re-creates. */
  version: number
  created_at: string
  updated_at: string
  deleted_at: string | null
}

export interface OrgEventTable {
  id: Generated<number>
  org_id: string
  version: number
  action: 'create' | 'update' | 'delete'
  at: string
  actor: string
  /** JSON object `{field: {from, to}}`. */
  changes: string
}

export interface IdempotencyKeyTable {
  actor: string
  key: string
  request_hash: string
  status: number
  response_body: string
  created_at: string
}
