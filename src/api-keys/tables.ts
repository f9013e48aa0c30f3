import type { Actor } from '../http/access/principal.js'
import type { ApiKeyRecord } from './store.js'

/** The api-keys feature's tables as Kysely sees them (migration 005). */
export interface ApiKeyTable {
  id: string
  name: string
  role: string
  /** JSON array of org ids; null for every org. */
  org_ids: string | null
  /** SHA-256 of the key, base64url (key-material.ts); unique. */
  digest: string
  prefix: string
  created_at: string
  created_by_type: string
  created_by_id: string
  created_by_name: string
  /** Migration 009: who answers for the key (null for a key made before: its maker). */
  owner_id: string | null
  expires_at: string | null
  revoked_at: string | null
  /** To the minute; written at most once a minute per key and instance. */
  last_used_at: string | null
}

/** One row, bumped in the transaction of every key change: what instances poll to know they must reload. */
export interface ApiKeyRevisionTable {
  id: number
  revision: number
}

export type ApiKeyTables = {
  api_keys: ApiKeyTable
  api_key_revision: ApiKeyRevisionTable
}

export function toRecord(row: ApiKeyTable): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as ApiKeyRecord['role'],
    org_ids: row.org_ids === null ? null : (JSON.parse(row.org_ids) as string[]),
    digest: row.digest,
    prefix: row.prefix,
    created_at: row.created_at,
    created_by: { type: row.created_by_type as Actor['type'], id: row.created_by_id, name: row.created_by_name },
    owner_id: row.owner_id ?? row.created_by_id,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
    last_used_at: row.last_used_at
  }
}

export function toRow(record: ApiKeyRecord): ApiKeyTable {
  return {
    id: record.id,
    name: record.name,
    role: record.role,
    org_ids: record.org_ids === null ? null : JSON.stringify(record.org_ids),
    digest: record.digest,
    prefix: record.prefix,
    created_at: record.created_at,
    created_by_type: record.created_by.type,
    created_by_id: record.created_by.id,
    created_by_name: record.created_by.name,
    owner_id: record.owner_id,
    expires_at: record.expires_at,
    revoked_at: record.revoked_at,
    last_used_at: record.last_used_at
  }
}
