import type { Kysely } from 'kysely'
import type { Actor } from '../http/access/principal.js'
import type { StoredResponse } from '../http/idempotency.js'
import type { ConfigField, ConfigFields, Environment } from './fields.js'
import type { OrgConfig, OrgEvent, OrgSummary } from './schemas.js'

/** A live configuration as the service works with it: what GET answers, and its version. */
export interface OrgRecord extends OrgConfig {
  /** Grows with every change of this org_id (across delete and re-create); the ETag. */
  version: number
}

/** The fields an update changes, each with its value before and after (recorded in the history as is). */
export type FieldChanges = { [K in ConfigField]?: { from: ConfigFields[K]; to: ConfigFields[K] } }

export interface ListFilter {
  environment?: Environment
  /** undefined: both */
  vipps_enabled?: boolean
  /** org_id or client_id starts with this (A–Z match a–z); `%` and `_` are plain characters. */
  q?: string
  /** Keyset paging: the orgs whose org_id comes after this one (byte order), ordered by org_id; offset is 0. */
  after?: string
  /** Only these orgs (a grant limited to some orgs); undefined: every org. */
  orgIds?: readonly string[]
  offset: number
  limit: number
}

export interface Page<T> {
  items: T[]
  total: number
}

/** What a successful write answered, kept so a retry with the same Idempotency-Key gets it again. */
export interface IdempotencyRecord extends StoredResponse {
  /** The actor's key, `<type>:<id>` (actorKey). */
  actor: string
  key: string
  /** Records older than this are expired and are purged. */
  expiredBefore: string
}

/** When and by whom a write is made; recorded in the history. */
export interface WriteContext {
  at: string
  actor: Actor
  /** Who approved the change (a held write applied on approval); recorded beside its author. */
  approvedBy?: Actor
  /**
   * More work in the write's own transaction, after the change and its event (a write gate's:
   * change requests). Throwing rolls the write back. The in-memory store has no transaction and
   * does not call it.
   */
  inTransaction?: TransactionHook
}

/** Work done inside a write's transaction, on that transaction (its tables are the hook's own feature's). */
export type TransactionHook = (trx: Kysely<any>) => Promise<void>

/**
 * The database behind the service. Every write happens in one transaction with its history
 * event (and idempotency record), so neither can exist without the other.
 */
export interface OrgStore {
  findLive(orgId: string): Promise<OrgRecord | undefined>
  list(filter: ListFilter): Promise<Page<OrgSummary>>
  /** List items of the live orgs among orgIds (any order; the others are gone), or of every live org. */
  liveSummaries(orgIds?: readonly string[]): Promise<OrgSummary[]>
  /** Throws AlreadyExistsError when a live config with that org_id exists. */
  create(orgId: string, fields: ConfigFields, ctx: WriteContext, idempotency?: IdempotencyRecord): Promise<OrgRecord>
  /**
   * Applies the change if `current.version` is still the live version; undefined if it moved.
   * Throws IdempotencyKeyTakenError (and writes nothing) when the key's answer is kept already.
   */
  update(current: OrgRecord, changes: FieldChanges, ctx: WriteContext, idempotency?: IdempotencyRecord): Promise<OrgRecord | undefined>
  /** Soft-deletes if `current.version` is still the live version; false if it moved. Keys as for update. */
  softDelete(current: OrgRecord, ctx: WriteContext, idempotency?: IdempotencyRecord): Promise<boolean>
  /** Keeps the answer of a write that changed nothing; IdempotencyKeyTakenError as for update. */
  keepResponse(idempotency: IdempotencyRecord, at: string): Promise<void>
  history(orgId: string, offset: number, limit: number): Promise<Page<OrgEvent>>
  findIdempotentResponse(actor: string, key: string, notBefore: string): Promise<StoredResponse | undefined>
}

export class AlreadyExistsError extends Error {
  override name = 'AlreadyExistsError'
}

/** Another write already recorded a response under this actor's Idempotency-Key. */
export class IdempotencyKeyTakenError extends Error {
  override name = 'IdempotencyKeyTakenError'
}
