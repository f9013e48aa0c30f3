import type { StoredResponse } from '../http/idempotency.js'
import type { ConfigFields } from './fields.js'
import { searchKey } from './live-index.js'
import type { Changes, OrgEvent, OrgSummary } from './schemas.js'
import {
  AlreadyExistsError,
  type FieldChanges,
  IdempotencyKeyTakenError,
  type IdempotencyRecord,
  type ListFilter,
  type OrgRecord,
  type OrgStore,
  type Page,
  type WriteContext
} from './store.js'

/**
 * The OrgStore in memory, for unit tests of the rules: the same promises as the database stores
 * (versions across delete and re-create, history written with each change, idempotency records,
 * optimistic versions), none of the I/O. Values are copied in and out, as a database would.
 */
export class FakeOrgStore implements OrgStore {
  private readonly live = new Map<string, OrgRecord>()
  private readonly events: (OrgEvent & { org_id: string })[] = []
  private readonly idempotency = new Map<string, IdempotencyRecord & { at: string }>()

  async findLive(orgId: string): Promise<OrgRecord | undefined> {
    return copy(this.live.get(orgId))
  }

  async list(filter: ListFilter): Promise<Page<OrgSummary>> {
    const matches = [...this.live.values()]
      .filter((r) => filter.environment === undefined || r.environment === filter.environment)
      .filter((r) => filter.vipps_enabled === undefined || r.vipps_enabled === filter.vipps_enabled)
      .filter((r) => filter.q === undefined || startsWithKey(r, filter.q))
      .filter((r) => filter.orgIds === undefined || filter.orgIds.includes(r.org_id))
      .filter((r) => filter.after === undefined || r.org_id > filter.after)
      .sort((a, b) =>
        filter.after !== undefined || a.created_at === b.created_at ? compare(a.org_id, b.org_id) : compare(a.created_at, b.created_at)
      )
    const items = matches.slice(filter.offset, filter.offset + filter.limit).map(summaryOf)
    return { items, total: matches.length }
  }

  async liveSummaries(orgIds?: readonly string[]): Promise<OrgSummary[]> {
    const records = orgIds === undefined ? [...this.live.values()] : orgIds.flatMap((id) => this.live.get(id) ?? [])
    return records.map(summaryOf)
  }

  async create(orgId: string, fields: ConfigFields, ctx: WriteContext, idempotency?: IdempotencyRecord): Promise<OrgRecord> {
    if (this.live.has(orgId)) throw new AlreadyExistsError(orgId)
    this.checkKeyFree(idempotency)
    const record: OrgRecord = { org_id: orgId, ...structuredClone(fields), created_at: ctx.at, updated_at: ctx.at, version: this.lastVersion(orgId) + 1 }
    const changes: Changes = {}
    for (const [field, value] of Object.entries(fields)) changes[field] = { from: null, to: structuredClone(value) }
    this.live.set(orgId, record)
    this.record(orgId, record.version, 'create', changes, ctx)
    this.keep(idempotency, ctx.at)
    return copy(record)!
  }

  async update(current: OrgRecord, changes: FieldChanges, ctx: WriteContext, idempotency?: IdempotencyRecord): Promise<OrgRecord | undefined> {
    const live = this.live.get(current.org_id)
    if (!live || live.version !== current.version) return undefined
    this.checkKeyFree(idempotency)
    const values = Object.fromEntries(Object.entries(changes).map(([field, change]) => [field, structuredClone(change.to)]))
    const record: OrgRecord = { ...live, ...values, version: live.version + 1, updated_at: ctx.at }
    this.live.set(current.org_id, record)
    this.record(current.org_id, record.version, 'update', structuredClone(changes) as Changes, ctx)
    this.keep(idempotency, ctx.at)
    return copy(record)
  }

  async softDelete(current: OrgRecord, ctx: WriteContext, idempotency?: IdempotencyRecord): Promise<boolean> {
    const live = this.live.get(current.org_id)
    if (!live || live.version !== current.version) return false
    this.checkKeyFree(idempotency)
    this.live.delete(current.org_id)
    this.record(current.org_id, live.version + 1, 'delete', { deleted_at: { from: null, to: ctx.at } }, ctx)
    this.keep(idempotency, ctx.at)
    return true
  }

  async keepResponse(idempotency: IdempotencyRecord, at: string): Promise<void> {
    this.checkKeyFree(idempotency)
    this.keep(idempotency, at)
  }

  async history(orgId: string, offset: number, limit: number): Promise<Page<OrgEvent>> {
    const all = this.events.filter((e) => e.org_id === orgId).map(({ org_id: _, ...event }) => structuredClone(event))
    return { items: all.slice(offset, offset + limit), total: all.length }
  }

  async findIdempotentResponse(actor: string, key: string, notBefore: string): Promise<StoredResponse | undefined> {
    const found = this.idempotency.get(idempotencyId(actor, key))
    return found && found.at >= notBefore ? { requestHash: found.requestHash, status: found.status, body: found.body } : undefined
  }

  /** As the database's unique key does (expired records purged first): a kept key refuses the write. */
  private checkKeyFree(idempotency: IdempotencyRecord | undefined): void {
    if (!idempotency) return
    for (const [key, record] of this.idempotency) if (record.at < idempotency.expiredBefore) this.idempotency.delete(key)
    if (this.idempotency.has(idempotencyId(idempotency.actor, idempotency.key))) throw new IdempotencyKeyTakenError(idempotency.key)
  }

  private keep(idempotency: IdempotencyRecord | undefined, at: string): void {
    if (idempotency) this.idempotency.set(idempotencyId(idempotency.actor, idempotency.key), { ...idempotency, at })
  }

  private lastVersion(orgId: string): number {
    return this.events.reduce((max, e) => (e.org_id === orgId ? Math.max(max, e.version) : max), 0)
  }

  private record(orgId: string, version: number, action: OrgEvent['action'], changes: Changes, ctx: WriteContext): void {
    this.events.push({ org_id: orgId, version, action, at: ctx.at, actor: { ...ctx.actor }, ...(ctx.approvedBy ? { approved_by: { ...ctx.approvedBy } } : {}), changes })
  }
}

function summaryOf(r: OrgRecord): OrgSummary {
  return { org_id: r.org_id, client_id: r.client_id, vipps_enabled: r.vipps_enabled, environment: r.environment, created_at: r.created_at }
}

function startsWithKey(r: OrgRecord, q: string): boolean {
  const prefix = searchKey(q)
  return r.org_id.startsWith(prefix) || searchKey(r.client_id).startsWith(prefix)
}

function idempotencyId(actor: string, key: string): string {
  return JSON.stringify([actor, key])
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value)
}
