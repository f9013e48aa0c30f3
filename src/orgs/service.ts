import { createHash } from 'node:crypto'
import { type Clock, nowIso } from '../clock.js'
import { actorKey, inOrgScope, orgScopeOf, type Principal } from '../http/access/principal.js'
import type { Precondition } from '../http/etag.js'
import { idempotencyCutoff, replayOf, requestHash } from '../http/idempotency.js'
import { problems } from '../http/problems.js'
import { CONFIG_FIELDS, type ConfigFields, type Environment, FIELD_DEFAULTS, isOrgId } from './fields.js'
import { OrgChanges } from './changes.js'
import type { LiveOrgIndex } from './live-index.js'
import type { OrgReadCache } from './read-cache.js'
import { redirectUriEnvironmentError } from './redirect-uri.js'
import type { CreateOrgBody, OrgSummary, UpdateOrgBody } from './schemas.js'
import {
  AlreadyExistsError,
  type FieldChanges,
  IdempotencyKeyTakenError,
  type ListFilter,
  type OrgRecord,
  type OrgStore,
  type Page,
  type WriteContext
} from './store.js'
import { type OrgView, toView } from './views.js'

const MAX_WRITE_ATTEMPTS = 5

export interface CreateResult {
  status: number
  body: OrgSummary
  /** The config written; absent when the response is a replay of an earlier create. */
  record?: OrgRecord
  replayed: boolean
}

export interface ListQuery {
  page: number
  limit: number
  environment?: Environment
  vipps_enabled?: boolean
  q?: string
}

/** The orgs a caller may see: null for every org, else a grant's list (api.md "Roles and grants"). */
export type OrgScope = readonly string[] | null

const scopeKeys = new WeakMap<readonly string[], string>()

/** A short key for a scope, for the list cache (a grant's list is made once, so its key is too). */
function scopeKey(scope: OrgScope): string {
  if (scope === null) return ''
  let key = scopeKeys.get(scope)
  if (key === undefined) {
    key = createHash('sha256').update(JSON.stringify(scope)).digest('base64url')
    scopeKeys.set(scope, key)
  }
  return key
}

/** The rules of the contract: defaults, cross-field checks, soft delete, history, idempotency. */
export class OrgService {
  constructor(
    private readonly store: OrgStore,
    private readonly cache: OrgReadCache,
    private readonly now: Clock = nowIso,
    private readonly changes: OrgChanges = new OrgChanges(),
    /** Order and totals of the lists in memory; without it (or while it cannot answer) lists page in SQL. */
    private readonly listIndex?: LiveOrgIndex
  ) {}

  /**
   * The live config as served, from the read cache; 404 when unknown, deleted or outside the
   * scope. An org outside the scope is not looked up at all: the answer cannot depend on whether
   * it exists.
   */
  async getLiveView(orgId: string, scope: OrgScope = null): Promise<OrgView> {
    const view = isOrgId(orgId) && inOrgScope(scope, orgId) ? await this.cache.view(orgId, () => this.loadView(orgId)) : undefined
    if (!view) throw notFound(orgId)
    return view
  }

  /** The live config as served when the read cache holds it (and the scope has it); undefined means: ask getLiveView. */
  cachedLiveView(orgId: string, scope: OrgScope = null): OrgView | undefined {
    return inOrgScope(scope, orgId) ? this.cache.peekView(orgId) : undefined
  }

  private async loadView(orgId: string): Promise<OrgView | undefined> {
    const record = await this.store.findLive(orgId)
    return record && toView(record)
  }

  /** One page of the live orgs matching the query, and their total, among the scope's orgs. */
  async list(query: ListQuery, scope: OrgScope = null) {
    const filter: ListFilter = {
      offset: (query.page - 1) * query.limit,
      limit: query.limit,
      ...(query.environment ? { environment: query.environment } : {}),
      ...(query.vipps_enabled !== undefined ? { vipps_enabled: query.vipps_enabled } : {}),
      ...(query.q !== undefined ? { q: query.q } : {}),
      ...(scope !== null ? { orgIds: scope } : {})
    }
    const key = `${filter.offset}:${filter.limit}:${filter.environment ?? ''}:${filter.vipps_enabled ?? ''}:${scopeKey(scope)}:${filter.q ?? ''}`
    const { items, total } = await this.cache.list(key, () => this.page(filter))
    return { data: items, pagination: { page: query.page, limit: query.limit, total } }
  }

  /** The index picks the page's org_ids and counts (O(limit)); the database gives their rows. */
  private async page(filter: ListFilter): Promise<Page<OrgSummary>> {
    const found = await this.listIndex?.page(filter, filter.offset, filter.limit)
    if (!found) return this.store.list(filter)
    const rows = new Map((await this.store.liveSummaries(found.orgIds)).map((row) => [row.org_id, row]))
    // An org changed by another instance a moment ago may be gone from its page until the
    // notification arrives: left out rather than shown out of its filter.
    const items = found.orgIds.flatMap((orgId) => {
      const row = rows.get(orgId)
      return row && matches(row, filter) ? [row] : []
    })
    return { items, total: found.total }
  }

  async create(body: CreateOrgBody, by: Principal, idempotencyKey?: string): Promise<CreateResult> {
    const { org_id: orgId, ...given } = body
    if (!inOrgScope(orgScopeOf(by), orgId)) {
      throw problems.forbidden('orgs:write', `This credential is limited to some orgs, and ${orgId} is not one of them`)
    }
    const fields: ConfigFields = { ...FIELD_DEFAULTS, ...given }
    checkCrossFieldRules(fields)
    const ctx = this.context(by)
    const idempotencyActor = actorKey(by.actor)
    const hash = idempotencyKey === undefined ? '' : requestHash(body)
    const replay = () => this.replay(idempotencyActor, idempotencyKey!, hash)
    if (idempotencyKey !== undefined) {
      const earlier = await replay()
      if (earlier) return earlier
    }
    const response: OrgSummary = {
      org_id: orgId,
      client_id: fields.client_id,
      vipps_enabled: fields.vipps_enabled,
      environment: fields.environment,
      created_at: ctx.at
    }
    const idempotency =
      idempotencyKey === undefined
        ? undefined
        : {
            actor: idempotencyActor,
            key: idempotencyKey,
            requestHash: hash,
            status: 201,
            body: JSON.stringify(response),
            expiredBefore: idempotencyCutoff(this.now)
          }
    try {
      const record = await this.store.create(orgId, fields, ctx, idempotency)
      this.changed(orgId)
      return { status: 201, body: response, record, replayed: false }
    } catch (err) {
      if (!(err instanceof AlreadyExistsError || err instanceof IdempotencyKeyTakenError)) throw err
      // A concurrent request with the same key may have won the race: answer as it did.
      const earlier = idempotencyKey === undefined ? undefined : await replay()
      if (earlier) return earlier
      throw problems.alreadyExists(`A Vipps configuration for ${orgId} already exists`)
    }
  }

  /** Partial update; cross-field rules hold on the merged result. Nothing changed: no new version. */
  async update(orgId: string, patch: UpdateOrgBody, by: Principal, precondition?: Precondition) {
    const record = await this.retryOnConflict(orgId, async () => {
      const current = await this.findForWrite(orgId, orgScopeOf(by), precondition)
      checkCrossFieldRules({ ...current, ...patch })
      const changes = changesOf(current, patch)
      if (Object.keys(changes).length === 0) return current
      return this.store.update(current, changes, this.context(by))
    })
    return { record, response: { org_id: orgId, ...patch, updated_at: record.updated_at } }
  }

  async softDelete(orgId: string, by: Principal, precondition?: Precondition) {
    const ctx = await this.retryOnConflict(orgId, async () => {
      const current = await this.findForWrite(orgId, orgScopeOf(by), precondition)
      const ctx = this.context(by)
      return (await this.store.softDelete(current, ctx)) ? ctx : undefined
    })
    return { org_id: orgId, deleted: true, deleted_at: ctx.at }
  }

  /** Every event of the org_id, oldest first; kept after delete and across re-create. Outside the scope: as if it had none. */
  async history(orgId: string, page: number, limit: number, scope: OrgScope = null) {
    const { items, total } = isOrgId(orgId) && inOrgScope(scope, orgId)
      ? await this.store.history(orgId, (page - 1) * limit, limit)
      : { items: [], total: 0 }
    if (total === 0) throw problems.notFound(`No Vipps configuration history for ${orgId}`)
    return { data: items, pagination: { page, limit, total } }
  }

  /**
   * Runs a read-check-write against the live version; when the version moved between read and
   * write (another writer won), reads again (re-checking If-Match). The cache learns of the write.
   */
  private async retryOnConflict<T>(orgId: string, attempt: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < MAX_WRITE_ATTEMPTS; i++) {
      const result = await attempt()
      if (result !== undefined) {
        this.changed(orgId)
        return result
      }
    }
    throw problems.unavailable(`Too many concurrent changes to ${orgId}; try again`)
  }

  /** A write committed: the cache drops the org at once, and listeners hear of it. */
  private changed(orgId: string): void {
    this.cache.invalidate(orgId)
    this.listIndex?.invalidate(orgId)
    this.changes.emit(orgId)
  }

  private async findForWrite(orgId: string, scope: OrgScope, precondition?: Precondition): Promise<OrgRecord> {
    // Writes read the database, not the cache: the version must be the live one. Outside the
    // scope nothing is read: the 404 cannot depend on whether the org exists.
    const current = isOrgId(orgId) && inOrgScope(scope, orgId) ? await this.store.findLive(orgId) : undefined
    if (!current) throw notFound(orgId)
    if (precondition && !precondition(current.version)) {
      throw problems.preconditionFailed(`The configuration of ${orgId} has changed (If-Match does not match)`)
    }
    return current
  }

  private async replay(actor: string, key: string, hash: string): Promise<CreateResult | undefined> {
    const stored = await this.store.findIdempotentResponse(actor, key, idempotencyCutoff(this.now))
    const earlier = replayOf<OrgSummary>(stored, hash)
    return earlier && { ...earlier, replayed: true }
  }

  private context(by: Principal): WriteContext {
    return { at: this.now(), actor: by.actor }
  }
}

function matches(row: OrgSummary, filter: ListFilter): boolean {
  return (
    (filter.environment === undefined || row.environment === filter.environment) &&
    (filter.vipps_enabled === undefined || row.vipps_enabled === filter.vipps_enabled)
  )
}

function notFound(orgId: string) {
  return problems.notFound(`No Vipps configuration for ${orgId}`)
}

function checkCrossFieldRules(fields: ConfigFields): void {
  const message = redirectUriEnvironmentError(fields.redirect_uri, fields.environment)
  if (message) throw problems.invalidField('redirect_uri', message)
}

/** The fields the patch really changes, with their values before and after. */
function changesOf(current: ConfigFields, patch: UpdateOrgBody): FieldChanges {
  const changes: Record<string, { from: unknown; to: unknown }> = {}
  for (const field of CONFIG_FIELDS) {
    const to = patch[field]
    if (to !== undefined && JSON.stringify(current[field]) !== JSON.stringify(to)) changes[field] = { from: current[field], to }
  }
  return changes as FieldChanges
}
