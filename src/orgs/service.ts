import { createHash } from 'node:crypto'
import { nowIso } from '../clock.js'
import { Problem } from '../http/problems.js'
import type { OrgReadCache } from './read-cache.js'
import { redirectUriEnvironmentError } from './redirect-uri.js'
import { type OrgView, toView } from './views.js'
import { type CreateOrgBody, ORG_ID_PATTERN, type OrgSummary, type UpdateOrgBody } from './schemas.js'
import {
  AlreadyExistsError,
  type Changes,
  IdempotencyKeyTakenError,
  type IdempotentResponse,
  type ListFilter,
  type OrgConfig,
  type OrgFields,
  type OrgStore,
  type WriteContext
} from './store.js'

const ORG_ID = new RegExp(ORG_ID_PATTERN)
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
const UPDATE_FIELDS = ['client_id', 'client_secret_ref', 'redirect_uri', 'scopes', 'vipps_enabled', 'environment'] as const
const MAX_WRITE_ATTEMPTS = 5

/** Checked against the live config before a write (If-Match); false answers 412. */
export type Precondition = (current: OrgConfig) => boolean

export interface CreateResult {
  status: number
  body: OrgSummary
  config?: OrgConfig
  replayed: boolean
}

export interface ListQuery {
  page: number
  limit: number
  environment?: ListFilter['environment']
  vipps_enabled?: boolean
}

/** The rules of the contract: defaults, cross-field checks, soft delete, history, idempotency. */
export class OrgService {
  constructor(
    private readonly store: OrgStore,
    private readonly cache: OrgReadCache,
    private readonly now: () => string = nowIso
  ) {}

  /** The live config as served, from the read cache; 404 when unknown or deleted. */
  async getLiveView(orgId: string): Promise<OrgView> {
    const view = isOrgId(orgId) ? await this.cache.view(orgId, () => this.loadView(orgId)) : undefined
    if (!view) throw notFound(orgId)
    return view
  }

  private async loadView(orgId: string): Promise<OrgView | undefined> {
    const config = await this.store.findLive(orgId)
    return config && toView(config)
  }

  async list(query: ListQuery) {
    const filter: ListFilter = {
      offset: (query.page - 1) * query.limit,
      limit: query.limit,
      ...(query.environment ? { environment: query.environment } : {}),
      ...(query.vipps_enabled !== undefined ? { vipps_enabled: query.vipps_enabled } : {})
    }
    const key = `${filter.offset}:${filter.limit}:${filter.environment ?? ''}:${filter.vipps_enabled ?? ''}`
    const { items, total } = await this.cache.list(key, () => this.store.list(filter))
    return { data: items, pagination: { page: query.page, limit: query.limit, total } }
  }

  async create(body: CreateOrgBody, actor: string, idempotencyKey?: string): Promise<CreateResult> {
    const fields: OrgFields = {
      client_id: body.client_id,
      client_secret_ref: body.client_secret_ref,
      redirect_uri: body.redirect_uri,
      scopes: body.scopes ?? ['openid'],
      vipps_enabled: body.vipps_enabled ?? true,
      environment: body.environment ?? 'test'
    }
    checkCrossFieldRules(fields)
    const at = this.now()
    const response: OrgSummary = {
      org_id: body.org_id,
      client_id: fields.client_id,
      vipps_enabled: fields.vipps_enabled,
      environment: fields.environment,
      created_at: at
    }
    const requestHash = idempotencyKey === undefined ? '' : hashRequest(body)
    if (idempotencyKey !== undefined) {
      const replay = await this.replay(actor, idempotencyKey, requestHash)
      if (replay) return replay
    }
    try {
      const config = await this.store.create(
        body.org_id,
        fields,
        { at, actor },
        idempotencyKey === undefined
          ? undefined
          : {
              actor,
              key: idempotencyKey,
              requestHash,
              status: 201,
              body: JSON.stringify(response),
              expiredBefore: this.idempotencyCutoff()
            }
      )
      this.cache.invalidate(body.org_id)
      return { status: 201, body: response, config, replayed: false }
    } catch (err) {
      // A concurrent request with the same key may have won the race: answer as it did.
      if (idempotencyKey !== undefined && (err instanceof AlreadyExistsError || err instanceof IdempotencyKeyTakenError)) {
        const replay = await this.replay(actor, idempotencyKey, requestHash)
        if (replay) return replay
      }
      if (err instanceof AlreadyExistsError || err instanceof IdempotencyKeyTakenError) {
        throw new Problem(409, 'already_exists', `A Vipps configuration for ${body.org_id} already exists`)
      }
      throw err
    }
  }

  /** Partial update; cross-field rules hold on the merged result. */
  async update(orgId: string, patch: UpdateOrgBody, actor: string, precondition?: Precondition) {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.findForWrite(orgId, precondition)
      const merged: OrgFields = { ...pickFields(current), ...patch }
      checkCrossFieldRules(merged)
      const changes: Changes = {}
      const changed: Partial<OrgFields> = {}
      for (const field of UPDATE_FIELDS) {
        if (patch[field] === undefined || sameValue(current[field], patch[field])) continue
        changes[field] = { from: current[field], to: patch[field] }
        Object.assign(changed, { [field]: patch[field] })
      }
      // Nothing would change: no new version, no event, the same updated_at.
      const updated =
        Object.keys(changes).length === 0
          ? current
          : await this.store.update(current, changed, changes, this.context(actor))
      if (updated) {
        this.cache.invalidate(orgId)
        return { config: updated, response: { org_id: orgId, ...patch, updated_at: updated.updated_at } }
      }
      // The version moved between read and write: read again (and re-check If-Match).
    }
    throw contention(orgId)
  }

  async softDelete(orgId: string, actor: string, precondition?: Precondition) {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.findForWrite(orgId, precondition)
      const ctx = this.context(actor)
      if (await this.store.softDelete(current, ctx)) {
        this.cache.invalidate(orgId)
        return { org_id: orgId, deleted: true, deleted_at: ctx.at }
      }
    }
    throw contention(orgId)
  }

  /** Every event of the org_id, oldest first; kept after delete and across re-create. */
  async history(orgId: string, page: number, limit: number) {
    const { items, total } = isOrgId(orgId)
      ? await this.store.history(orgId, (page - 1) * limit, limit)
      : { items: [], total: 0 }
    if (total === 0) throw Problem.notFound(`No Vipps configuration history for ${orgId}`)
    return { data: items, pagination: { page, limit, total } }
  }

  private async findForWrite(orgId: string, precondition?: Precondition): Promise<OrgConfig> {
    // Writes read the database, not the cache: the version must be the live one.
    const current = isOrgId(orgId) ? await this.store.findLive(orgId) : undefined
    if (!current) throw notFound(orgId)
    if (precondition && !precondition(current)) {
      throw new Problem(412, 'precondition_failed', `The configuration of ${orgId} has changed (If-Match does not match)`)
    }
    return current
  }

  private async replay(actor: string, key: string, requestHash: string): Promise<CreateResult | undefined> {
    const found: IdempotentResponse | undefined = await this.store.findIdempotentResponse(
      actor,
      key,
      this.idempotencyCutoff()
    )
    if (!found) return undefined
    if (found.requestHash !== requestHash) {
      throw new Problem(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request body in the last 24 hours'
      )
    }
    return { status: found.status, body: JSON.parse(found.body) as OrgSummary, replayed: true }
  }

  private idempotencyCutoff(): string {
    return new Date(Date.parse(this.now()) - IDEMPOTENCY_TTL_MS).toISOString().slice(0, 19) + 'Z'
  }

  private context(actor: string): WriteContext {
    return { at: this.now(), actor }
  }
}

function isOrgId(value: string): boolean {
  return value.length >= 3 && value.length <= 64 && ORG_ID.test(value)
}

function notFound(orgId: string): Problem {
  return Problem.notFound(`No Vipps configuration for ${orgId}`)
}

function contention(orgId: string): Problem {
  return new Problem(503, 'service_unavailable', `Too many concurrent changes to ${orgId}; try again`, undefined, {
    'retry-after': '1'
  })
}

function checkCrossFieldRules(fields: OrgFields): void {
  const message = redirectUriEnvironmentError(fields.redirect_uri, fields.environment)
  if (message) throw Problem.validation([{ field: 'redirect_uri', message }])
}

function pickFields(config: OrgConfig): OrgFields {
  const { client_id, client_secret_ref, redirect_uri, scopes, vipps_enabled, environment } = config
  return { client_id, client_secret_ref, redirect_uri, scopes, vipps_enabled, environment }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** The same JSON body, whatever its key order, hashes the same. */
function hashRequest(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}
