import { createHash } from 'node:crypto'
import { type Clock, nowIso } from '../clock.js'
import { type Actor, actorKey, inOrgScope, orgScopeOf, type Principal } from '../http/access/principal.js'
import type { Precondition } from '../http/etag.js'
import { idempotencyCutoff, replayOf, requestHash } from '../http/idempotency.js'
import { Problem, problems } from '../http/problems.js'
import { CONFIG_FIELDS, type ConfigFields, type Environment, FIELD_DEFAULTS, isOrgId } from './fields.js'
import { OrgChanges } from './changes.js'
import type { LiveOrgIndex } from './live-index.js'
import { OrgWriteQueue } from './org-write-queue.js'
import type { OrgReadCache } from './read-cache.js'
import { redirectUriEnvironmentError } from './redirect-uri.js'
import type { Changes, CreateOrgBody, DeletedOrg, OrgConfig, OrgSummary, UpdatedOrg, UpdateOrgBody } from './schemas.js'
import {
  AlreadyExistsError,
  type FieldChanges,
  IdempotencyKeyTakenError,
  type IdempotencyRecord,
  type ListFilter,
  type OrgRecord,
  type OrgStore,
  type Page,
  type TransactionHook,
  type WriteContext
} from './store.js'
import { type OrgView, toView } from './views.js'
import { type ApprovedWrite, CHANGE_REQUESTS_PATH, type ChangeRequest, HeldForApproval, type ProposedWrite, type WriteGate } from './write-gate.js'

const MAX_WRITE_ATTEMPTS = 5

/** A write's answer. */
export interface WriteResult<T> {
  status: number
  body: T
  /** The config as written (or as found, when nothing changed); absent on a replay and after a delete. */
  record?: OrgRecord
  /** The answer of an earlier request with the same Idempotency-Key, given again. */
  replayed: boolean
}

export type CreateResult = WriteResult<OrgSummary>

/** A write under an Idempotency-Key: the key, and what makes a later request under it the same request. */
interface KeyedWrite {
  actor: string
  key: string
  hash: string
}

export interface ListQuery {
  page: number
  limit: number
  environment?: Environment
  vipps_enabled?: boolean
  q?: string
  /** Keyset paging (export-safe): the orgs after this org_id, by org_id; `page` is then 1. */
  after?: string
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
  /** Set by a feature that holds some writes back (four eyes); none: every write goes through. */
  private gate: WriteGate | undefined
  /** Writes to one org, one after the other in this process (org-write-queue.ts). */
  private readonly orgWrites = new OrgWriteQueue()
  /** Writes made of several (writeOnce) under one Idempotency-Key, one after the other in this process. */
  private readonly keyedWrites = new OrgWriteQueue()

  constructor(
    private readonly store: OrgStore,
    private readonly cache: OrgReadCache,
    private readonly now: Clock = nowIso,
    private readonly changes: OrgChanges = new OrgChanges(),
    /** Order and totals of the lists in memory; without it (or while it cannot answer) lists page in SQL. */
    private readonly listIndex?: LiveOrgIndex
  ) {}

  /** Registers the one write gate (api.md "Change approvals"). */
  setWriteGate(gate: WriteGate): void {
    if (this.gate) throw new Error('a write gate is already set')
    this.gate = gate
  }

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
    // A walk by key reads each page once: straight from the database, never through the caches.
    if (query.after !== undefined) {
      const { items, total } = await this.store.list({ ...filter, offset: 0, after: query.after })
      return { data: items, pagination: { page: 1, limit: query.limit, total } }
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
      throw problems.forbidden('orgs:write', `This credential has orgs:write only on the orgs it is limited to, and ${orgId} is not one of them`)
    }
    const fields: ConfigFields = { ...FIELD_DEFAULTS, ...given }
    checkCrossFieldRules(fields)
    const keyed = this.keyed(by, idempotencyKey, { operation: 'create', org_id: orgId, body })
    return this.once(keyed, async () => {
      if (this.gate) {
        const write: ProposedWrite = { operation: 'create', orgId, after: fields, changes: createChanges(fields) }
        if (this.gate.holds(write)) {
          if (await this.store.findLive(orgId)) throw problems.alreadyExists(`A Vipps configuration for ${orgId} already exists`)
          return this.held(write, by, keyed)
        }
      }
      const ctx = this.context(by, orgId)
      const response: OrgSummary = {
        org_id: orgId,
        client_id: fields.client_id,
        vipps_enabled: fields.vipps_enabled,
        environment: fields.environment,
        created_at: ctx.at
      }
      try {
        const record = await this.store.create(orgId, fields, ctx, this.toKeep(keyed, 201, response))
        this.changed(orgId, record)
        return { status: 201, body: response, record, replayed: false }
      } catch (err) {
        if (err instanceof AlreadyExistsError) throw problems.alreadyExists(`A Vipps configuration for ${orgId} already exists`)
        throw err
      }
    })
  }

  /**
   * A write made of several writes of its own (a batch of creates, each without a key): done once
   * per Idempotency-Key as a single write is. Its whole answer is kept under the key once every
   * write in it is committed; a write that throws keeps nothing. The same request again gets the
   * first answer, another request under the key a 422.
   */
  async writeOnce<T>(by: Principal, idempotencyKey: string | undefined, request: { operation: string; body: unknown }, write: () => Promise<T>): Promise<WriteResult<T>> {
    const keyed = this.keyed(by, idempotencyKey, request)
    const run = () =>
      this.once(keyed, async () => {
        const body = await write()
        const keep = this.toKeep(keyed, 200, body)
        if (keep) await this.store.keepResponse(keep, this.now())
        return { status: 200, body, replayed: false }
      })
    // Retries under one key in this process one after the other: a twin that ran beside the first
    // would see the first's writes as conflicts, and could keep its answer under the key first.
    return keyed ? this.keyedWrites.run(`${keyed.actor}\n${keyed.key}`, run) : run()
  }

  /** Partial update; cross-field rules hold on the merged result. Nothing changed: no new version. */
  async update(
    orgId: string,
    patch: UpdateOrgBody,
    by: Principal,
    precondition?: Precondition,
    idempotencyKey?: string
  ): Promise<WriteResult<UpdatedOrg>> {
    const keyed = this.keyed(by, idempotencyKey, { operation: 'update', org_id: orgId, body: patch })
    return this.once(keyed, async () => {
      const result = await this.retryOnConflict(orgId, async (first) => {
        // With approvals on, a held write records the config it started from: only the live one.
        const current = await this.findForWrite(orgId, orgScopeOf(by), precondition, first && !this.gate)
        const cached = fromCache.has(current)
        try {
          checkCrossFieldRules({ ...current, ...patch })
        } catch (err) {
          // A refusal is answered from the live config only: read it from the database.
          if (cached) return undefined
          throw err
        }
        const changes = changesOf(current, patch)
        const ctx = this.context(by, orgId)
        const noChange = Object.keys(changes).length === 0
        // "Nothing changed" is answered from the live config only (nothing checks it on the way).
        if (noChange && cached) return undefined
        if (this.gate && !noChange) {
          const { version: _, created_at: _c, updated_at: _u, org_id: _o, ...fields } = current
          const write: ProposedWrite = { operation: 'update', orgId, before: current, after: { ...fields, ...patch }, changes: changes as Changes }
          if (this.gate.holds(write)) return this.held(write, by, keyed)
        }
        const response: UpdatedOrg = { org_id: orgId, ...patch, updated_at: noChange ? current.updated_at : ctx.at }
        const keep = this.toKeep(keyed, 200, response)
        if (noChange) {
          if (keep) await this.store.keepResponse(keep, ctx.at)
          return { record: current, response }
        }
        const record = await this.store.update(current, changes, ctx, keep)
        return record && { record, response }
      }, (written) => written.record)
      return { status: 200, body: result.response, record: result.record, replayed: false }
    })
  }

  async softDelete(orgId: string, by: Principal, precondition?: Precondition, idempotencyKey?: string): Promise<WriteResult<DeletedOrg>> {
    const keyed = this.keyed(by, idempotencyKey, { operation: 'delete', org_id: orgId })
    return this.once(keyed, async () => {
      const response = await this.retryOnConflict(orgId, async (first) => {
        // With approvals on, a held write records the config it started from: only the live one.
        const current = await this.findForWrite(orgId, orgScopeOf(by), precondition, first && !this.gate)
        if (this.gate) {
          const write: ProposedWrite = { operation: 'delete', orgId, before: current, changes: deleteChanges(current) }
          if (this.gate.holds(write)) return this.held(write, by, keyed)
        }
        const ctx = this.context(by, orgId)
        const response: DeletedOrg = { org_id: orgId, deleted: true, deleted_at: ctx.at }
        return (await this.store.softDelete(current, ctx, this.toKeep(keyed, 200, response))) ? response : undefined
      })
      return { status: 200, body: response, replayed: false }
    })
  }

  /**
   * Applies an approved write as its author asked, in one transaction with `inTransaction` (the
   * request's own state), only if the org is still at the request's base version (a create: no
   * live org). False when it is not (nothing applied). History, feed, caches and webhooks follow
   * as for any write; the history names the author and the approver.
   */
  async applyApproved(write: ApprovedWrite, approvedBy: Actor, inTransaction: TransactionHook): Promise<boolean> {
    const { orgId, changes } = write
    const at = this.now()
    const gateHook = this.gate?.whileWriting(orgId, at)
    const ctx: WriteContext = {
      at,
      actor: write.requestedBy,
      approvedBy,
      inTransaction: async (trx) => {
        await inTransaction(trx)
        await gateHook?.(trx)
      }
    }
    const to = Object.fromEntries(Object.entries(changes).map(([field, change]) => [field, change.to]))
    let applied: boolean
    if (write.operation === 'create') {
      const fields = { ...FIELD_DEFAULTS, ...to } as ConfigFields
      checkCrossFieldRules(fields)
      try {
        await this.store.create(orgId, fields, ctx)
        applied = true
      } catch (err) {
        if (err instanceof AlreadyExistsError) return false
        throw err
      }
    } else {
      const current = await this.store.findLive(orgId)
      if (!current || current.version !== write.baseVersion) return false
      if (write.operation === 'update') {
        checkCrossFieldRules({ ...current, ...to })
        applied = (await this.store.update(current, changesOf(current, to as UpdateOrgBody), ctx)) !== undefined
      } else {
        applied = await this.store.softDelete(current, ctx)
      }
    }
    if (applied) this.changed(orgId)
    return applied
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
  private retryOnConflict<T>(orgId: string, attempt: (first: boolean) => Promise<T | undefined>, written?: (result: T) => OrgRecord): Promise<T> {
    return this.orgWrites.run(orgId, async () => {
      for (let i = 0; i < MAX_WRITE_ATTEMPTS; i++) {
        const result = await attempt(i === 0)
        if (result !== undefined) {
          this.changed(orgId, written?.(result))
          return result
        }
      }
      throw problems.unavailable(`Too many concurrent changes to ${orgId}; try again`)
    })
  }

  /**
   * A write done once per Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): the first
   * answer is kept with the write, in its transaction; the same request again gets that answer
   * (whatever has changed since: a stale If-Match, a deleted org), another request under the key a
   * 422. A write that fails because a twin with the same key committed first answers as the twin did.
   */
  private async once<T>(keyed: KeyedWrite | undefined, write: () => Promise<WriteResult<T>>): Promise<WriteResult<T>> {
    if (!keyed) return write()
    const earlier = await this.replay<T>(keyed)
    if (earlier) return this.heldAgain(earlier)
    try {
      return await write()
    } catch (err) {
      if (!lostToTwin(err)) throw err
      const twin = await this.replay<T>(keyed)
      if (twin) return this.heldAgain(twin)
      // The key's record is there but unreadable as a twin's: only while it expires. Try again.
      if (err instanceof IdempotencyKeyTakenError) throw problems.unavailable('This Idempotency-Key was just used; try again')
      throw err
    }
  }

  /** Idempotency records are kept per actor: `<type>:<id>`. */
  private keyed(by: Principal, key: string | undefined, request: { operation: string; org_id?: string; body?: unknown }): KeyedWrite | undefined {
    return key === undefined ? undefined : { actor: actorKey(by.actor), key, hash: requestHash(request) }
  }

  /** The answer to keep with the write, when it is made under a key. */
  private toKeep(keyed: KeyedWrite | undefined, status: number, body: unknown): IdempotencyRecord | undefined {
    if (!keyed) return undefined
    const { actor, key, hash } = keyed
    return { actor, key, requestHash: hash, status, body: JSON.stringify(body), expiredBefore: idempotencyCutoff(this.now) }
  }

  /**
   * A write committed: the cache drops the org at once (and keeps the config written, when the
   * write returned it), and listeners hear of it.
   */
  private changed(orgId: string, written?: OrgRecord): void {
    if (written) this.cache.written(orgId, toView(written))
    else this.cache.invalidate(orgId)
    this.listIndex?.invalidate(orgId)
    this.changes.emit(orgId)
  }

  /**
   * The config a write starts from. A first attempt may start from the read cache: the write is
   * made only if the version it read is still the live one (the store checks it in the same
   * statement), and a version fixes every field, so a cached config that is still live is the
   * live config; one that is stale loses like any raced write and the retry reads the database.
   * A 404 or a 412 is only ever answered from the database. Outside the scope nothing is read:
   * the 404 cannot depend on whether the org exists.
   */
  private async findForWrite(orgId: string, scope: OrgScope, precondition?: Precondition, mayUseCache = false): Promise<OrgRecord> {
    if (mayUseCache && isOrgId(orgId) && inOrgScope(scope, orgId)) {
      const cached = this.cache.peekView(orgId)
      if (cached) {
        const record = recordOf(cached)
        if (!precondition || precondition(record.version)) {
          fromCache.add(record)
          return record
        }
      }
    }
    const current = isOrgId(orgId) && inOrgScope(scope, orgId) ? await this.store.findLive(orgId) : undefined
    if (!current) throw notFound(orgId)
    if (precondition && !precondition(current.version)) {
      throw problems.preconditionFailed(`The configuration of ${orgId} has changed (If-Match does not match)`)
    }
    return current
  }

  private async replay<T>({ actor, key, hash }: KeyedWrite): Promise<WriteResult<T> | undefined> {
    const stored = await this.store.findIdempotentResponse(actor, key, idempotencyCutoff(this.now))
    const earlier = replayOf<T>(stored, hash)
    return earlier && { ...earlier, replayed: true }
  }

  /**
   * A held write: the gate keeps it as a change request and the write ends with HeldForApproval
   * (the route answers 202); nothing of the org changes, no cache is touched.
   */
  private async held(write: ProposedWrite, by: Principal, keyed: KeyedWrite | undefined): Promise<never> {
    const held = await this.gate!.hold(write, by)
    // Under an Idempotency-Key the 202 is kept too: a retry after a lost answer asks nothing twice.
    const keep = this.toKeep(keyed, 202, held.body)
    if (keep) await this.store.keepResponse(keep, held.body.requested_at)
    throw new HeldForApproval(held)
  }

  /** A replayed answer that was a held write's 202 ends as a held write again (with its Location). */
  private heldAgain<T>(earlier: WriteResult<T>): WriteResult<T> {
    if (earlier.status !== 202) return earlier
    const body = earlier.body as ChangeRequest
    throw new HeldForApproval({ location: `${CHANGE_REQUESTS_PATH}/${body.id}`, body }, true)
  }

  /** When and by whom; with a write gate, its work in the write's transaction. */
  private context(by: Principal, orgId: string): WriteContext {
    const at = this.now()
    return this.gate ? { at, actor: by.actor, inTransaction: this.gate.whileWriting(orgId, at) } : { at, actor: by.actor }
  }
}

/** Configs a write started from the read cache (see findForWrite). */
const fromCache = new WeakSet<OrgRecord>()

/** The config a cached view holds: its JSON (every field, as served) and the version of its ETag. */
function recordOf(view: OrgView): OrgRecord {
  return { ...(JSON.parse(view.full) as OrgConfig), version: Number(view.etag.slice(1, -1)) }
}

function matches(row: OrgSummary, filter: ListFilter): boolean {
  return (
    (filter.environment === undefined || row.environment === filter.environment) &&
    (filter.vipps_enabled === undefined || row.vipps_enabled === filter.vipps_enabled)
  )
}

/** What a write fails with when a concurrent request with the same key got there first. */
function lostToTwin(err: unknown): boolean {
  if (err instanceof IdempotencyKeyTakenError) return true
  return err instanceof Problem && (err.status === 404 || err.status === 409 || err.status === 412)
}

function notFound(orgId: string) {
  return problems.notFound(`No Vipps configuration for ${orgId}`)
}

function checkCrossFieldRules(fields: ConfigFields): void {
  const message = redirectUriEnvironmentError(fields.redirect_uri, fields.environment)
  if (message) throw problems.invalidField('redirect_uri', message)
}

/** A create's changes: every field from null. */
function createChanges(fields: ConfigFields): Changes {
  return Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, { from: null, to: value }]))
}

/** A delete's changes: every field to null. */
function deleteChanges(current: OrgRecord): Changes {
  return Object.fromEntries(CONFIG_FIELDS.map((field) => [field, { from: current[field], to: null }]))
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
