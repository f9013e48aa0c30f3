import type { Environment, OrgEvent, OrgSummary, Scope } from './schemas.js'

/** One organization's live configuration, as the service works with it. */
export interface OrgConfig {
  org_id: string
  client_id: string
  client_secret_ref: string
  redirect_uri: string
  scopes: Scope[]
  vipps_enabled: boolean
  environment: Environment
  created_at: string
  updated_at: string
  /** Grows with every change of this org_id (across delete and re-create); the ETag. */
  version: number
}

export type OrgFields = Pick<
  OrgConfig,
  'client_id' | 'client_secret_ref' | 'redirect_uri' | 'scopes' | 'vipps_enabled' | 'environment'
>
export type OrgPatch = Partial<OrgFields>

export type Changes = Record<string, { from: unknown; to: unknown }>

export interface ListFilter {
  environment?: Environment
  /** undefined: both */
  vipps_enabled?: boolean
  offset: number
  limit: number
}

export interface Page<T> {
  items: T[]
  total: number
}

/** What a successful create answered, kept so a retry with the same Idempotency-Key gets it again. */
export interface IdempotentResponse {
  requestHash: string
  status: number
  body: string
}

export interface IdempotencyRecord extends IdempotentResponse {
  actor: string
  key: string
  /** Records older than this are expired and are purged. */
  expiredBefore: string
}

export interface WriteContext {
  at: string
  actor: string
}

/**
 * The database behind the service. Every write happens in one transaction with its history
 * event (and idempotency record), so neither can exist without the other.
 */
export interface OrgStore {
  findLive(orgId: string): Promise<OrgConfig | undefined>
  list(filter: ListFilter): Promise<Page<OrgSummary>>
  /** Throws AlreadyExistsError when a live config with that org_id exists. */
  create(orgId: string, fields: OrgFields, ctx: WriteContext, idempotency?: IdempotencyRecord): Promise<OrgConfig>
  /** Applies the patch if `current.version` is still the live version; undefined if it moved. */
  update(current: OrgConfig, patch: OrgPatch, changes: Changes, ctx: WriteContext): Promise<OrgConfig | undefined>
  /** Soft-deletes if `current.version` is still the live version; false if it moved. */
  softDelete(current: OrgConfig, ctx: WriteContext): Promise<boolean>
  history(orgId: string, offset: number, limit: number): Promise<Page<OrgEvent>>
  findIdempotentResponse(actor: string, key: string, notBefore: string): Promise<IdempotentResponse | undefined>
}

export class AlreadyExistsError extends Error {
  override name = 'AlreadyExistsError'
}

/** Another create already recorded a response under this actor's Idempotency-Key. */
export class IdempotencyKeyTakenError extends Error {
  override name = 'IdempotencyKeyTakenError'
}
