import type { Generated } from 'kysely'
import { ACTOR_TYPES, type Actor, ANONYMOUS } from '../http/access/principal.js'
import { CONFIG_FIELDS, ConfigFields, type ConfigField } from './fields.js'
import type { OrgEvent } from './schemas.js'

/**
 * The orgs feature's tables as Kysely sees them (one interface serves SQLite and PostgreSQL).
 * The config columns are derived from the fields: arrays are stored as JSON text, booleans as
 * 0/1 (SQLite answers 0/1, PostgreSQL a boolean; both accept 0/1 on the way in).
 */
type Stored<T> = T extends boolean ? number | boolean : T extends readonly unknown[] ? string : T
export type StoredFields = { [K in ConfigField]: Stored<ConfigFields[K]> }

export interface OrgConfigTable extends StoredFields {
  id: Generated<number>
  org_id: string
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
  action: OrgEvent['action']
  at: string
  /** The actor's name: what an older release reads as the actor. */
  actor: string
  /** Migration 005: the actor's type and id; null on rows an older release wrote. */
  actor_type: string | null
  actor_id: string | null
  /** JSON object `{field: {from, to}}`. */
  changes: string
  /** Migration 008: the `traceparent` of the request that made the change (tracing on); null otherwise. */
  trace_context: string | null
  /** Migration 009: who approved a held change (name, type, id); null otherwise. */
  approved_by: string | null
  approved_by_type: string | null
  approved_by_id: string | null
}

/** The columns an actor is stored in. */
export function actorColumns(actor: Actor): Pick<OrgEventTable, 'actor' | 'actor_type' | 'actor_id'> {
  return { actor: actor.name, actor_type: actor.type, actor_id: actor.id }
}

/** The columns of who approved a change (only written when someone did). */
export function approverColumns(actor: Actor): Pick<OrgEventTable, 'approved_by' | 'approved_by_type' | 'approved_by_id'> {
  return { approved_by: actor.name, approved_by_type: actor.type, approved_by_id: actor.id }
}

/** Who approved a stored event, if anyone did. */
export function approverOf(row: Pick<OrgEventTable, 'approved_by' | 'approved_by_type' | 'approved_by_id'>): Actor | undefined {
  const type = ACTOR_TYPES.find((known) => known === row.approved_by_type)
  return type && row.approved_by !== null && row.approved_by_id !== null ? { type, id: row.approved_by_id, name: row.approved_by } : undefined
}

/**
 * The actor of a stored event. Rows an older release wrote hold only a name: `anonymous` was
 * the open mode, any other name a bootstrap token's.
 */
export function actorOf(row: Pick<OrgEventTable, 'actor' | 'actor_type' | 'actor_id'>): Actor {
  const type = ACTOR_TYPES.find((known) => known === row.actor_type)
  if (type && row.actor_id !== null) return { type, id: row.actor_id, name: row.actor }
  return row.actor === 'anonymous' ? { ...ANONYMOUS } : { type: 'token', id: row.actor, name: row.actor }
}

export interface IdempotencyKeyTable {
  actor: string
  key: string
  request_hash: string
  status: number
  response_body: string
  created_at: string
}

export type OrgTables = {
  vipps_org_configs: OrgConfigTable
  vipps_org_events: OrgEventTable
  idempotency_keys: IdempotencyKeyTable
}

interface Codec {
  encode(value: unknown): unknown
  decode(stored: unknown): unknown
}

const AS_IS: Codec = { encode: (value) => value, decode: (stored) => stored }
const JSON_TEXT: Codec = { encode: (value) => JSON.stringify(value), decode: (stored) => JSON.parse(String(stored)) }
const ZERO_ONE: Codec = { encode: (value) => (value ? 1 : 0), decode: (stored) => Boolean(stored) }

/** Each field's codec, from the kind of its schema. */
const CODECS = Object.fromEntries(
  CONFIG_FIELDS.map((name) => {
    const { type } = ConfigFields.properties[name] as { type?: string }
    return [name, type === 'array' || type === 'object' ? JSON_TEXT : type === 'boolean' ? ZERO_ONE : AS_IS]
  })
) as Record<ConfigField, Codec>

/** Config fields (all or some) as columns. */
export function toColumns<T extends Partial<ConfigFields>>(fields: T): { [K in keyof T & ConfigField]: StoredFields[K] } {
  const columns: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) columns[name] = CODECS[name as ConfigField].encode(value)
  }
  return columns as { [K in keyof T & ConfigField]: StoredFields[K] }
}

/** The config fields of a row. */
export function fromColumns(row: StoredFields): ConfigFields {
  const fields: Record<string, unknown> = {}
  for (const name of CONFIG_FIELDS) fields[name] = CODECS[name].decode(row[name])
  return fields as ConfigFields
}
