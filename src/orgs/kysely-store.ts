import { type Kysely, type Selectable, type Transaction, sql } from 'kysely'
import { isUniqueViolation } from '../db/errors.js'
import type { Database, OrgConfigTable } from '../db/schema.js'
import type { OrgEvent, OrgSummary } from './schemas.js'
import {
  AlreadyExistsError,
  type Changes,
  IdempotencyKeyTakenError,
  type IdempotencyRecord,
  type IdempotentResponse,
  type ListFilter,
  type OrgConfig,
  type OrgFields,
  type OrgPatch,
  type OrgStore,
  type Page,
  type WriteContext
} from './store.js'

/** The OrgStore on Kysely: the same queries serve SQLite and PostgreSQL. */
export class KyselyOrgStore implements OrgStore {
  constructor(private readonly db: Kysely<Database>) {}

  async findLive(orgId: string): Promise<OrgConfig | undefined> {
    const row = await this.db
      .selectFrom('vipps_org_configs')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()
    return row && toOrgConfig(row)
  }

  async list(filter: ListFilter): Promise<Page<OrgSummary>> {
    let query = this.db.selectFrom('vipps_org_configs').where('deleted_at', 'is', null)
    if (filter.vipps_enabled !== undefined) query = query.where('vipps_enabled', '=', filter.vipps_enabled ? 1 : 0)
    if (filter.environment !== undefined) query = query.where('environment', '=', filter.environment)
    const [rows, count] = await Promise.all([
      query
        .select(['org_id', 'client_id', 'vipps_enabled', 'environment', 'created_at'])
        .orderBy('created_at')
        .orderBy('org_id')
        .limit(filter.limit)
        .offset(filter.offset)
        .execute(),
      query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow()
    ])
    return {
      items: rows.map((row) => ({ ...row, vipps_enabled: Boolean(row.vipps_enabled) })),
      total: Number(count.total)
    }
  }

  async create(
    orgId: string,
    fields: OrgFields,
    ctx: WriteContext,
    idempotency?: IdempotencyRecord
  ): Promise<OrgConfig> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('vipps_org_configs')
          .values({
            org_id: orgId,
            client_id: fields.client_id,
            client_secret_ref: fields.client_secret_ref,
            redirect_uri: fields.redirect_uri,
            scopes: JSON.stringify(fields.scopes),
            environment: fields.environment,
            vipps_enabled: fields.vipps_enabled ? 1 : 0,
            // Versions go on from the org_id's last event, across deletes and re-creates.
            version: sql<number>`(select coalesce(max(version), 0) + 1 from vipps_org_events where org_id = ${orgId})`,
            created_at: ctx.at,
            updated_at: ctx.at,
            deleted_at: null
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        const changes: Changes = {}
        for (const [field, value] of Object.entries(fields)) changes[field] = { from: null, to: value }
        await this.recordEvent(trx, orgId, Number(row.version), 'create', changes, ctx)
        if (idempotency) await this.saveIdempotentResponse(trx, idempotency, ctx.at)
        return toOrgConfig(row)
      })
    } catch (err) {
      if (isUniqueViolation(err, 'idempotency_keys')) throw new IdempotencyKeyTakenError(idempotency?.key)
      if (isUniqueViolation(err)) throw new AlreadyExistsError(orgId)
      throw err
    }
  }

  async update(
    current: OrgConfig,
    patch: OrgPatch,
    changes: Changes,
    ctx: WriteContext
  ): Promise<OrgConfig | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('vipps_org_configs')
        .set({ ...toRowPatch(patch), version: current.version + 1, updated_at: ctx.at })
        .where('org_id', '=', current.org_id)
        .where('deleted_at', 'is', null)
        .where('version', '=', current.version)
        .returningAll()
        .executeTakeFirst()
      if (!row) return undefined
      await this.recordEvent(trx, current.org_id, row.version, 'update', changes, ctx)
      return toOrgConfig(row)
    })
  }

  async softDelete(current: OrgConfig, ctx: WriteContext): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const version = current.version + 1
      const result = await trx
        .updateTable('vipps_org_configs')
        .set({ deleted_at: ctx.at, version })
        .where('org_id', '=', current.org_id)
        .where('deleted_at', 'is', null)
        .where('version', '=', current.version)
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) !== 1) return false
      const changes = { deleted_at: { from: null, to: ctx.at } }
      await this.recordEvent(trx, current.org_id, version, 'delete', changes, ctx)
      return true
    })
  }

  async history(orgId: string, offset: number, limit: number): Promise<Page<OrgEvent>> {
    const query = this.db.selectFrom('vipps_org_events').where('org_id', '=', orgId)
    const [rows, count] = await Promise.all([
      query
        .select(['version', 'action', 'at', 'actor', 'changes'])
        .orderBy('version')
        .limit(limit)
        .offset(offset)
        .execute(),
      query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow()
    ])
    return {
      items: rows.map((row) => ({ ...row, version: Number(row.version), changes: JSON.parse(row.changes) as Changes })),
      total: Number(count.total)
    }
  }

  async findIdempotentResponse(actor: string, key: string, notBefore: string): Promise<IdempotentResponse | undefined> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status', 'response_body'])
      .where('actor', '=', actor)
      .where('key', '=', key)
      .where('created_at', '>=', notBefore)
      .executeTakeFirst()
    return row && { requestHash: row.request_hash, status: Number(row.status), body: row.response_body }
  }

  private async recordEvent(
    trx: Transaction<Database>,
    orgId: string,
    version: number,
    action: OrgEvent['action'],
    changes: Changes,
    ctx: WriteContext
  ): Promise<void> {
    await trx
      .insertInto('vipps_org_events')
      .values({ org_id: orgId, version, action, at: ctx.at, actor: ctx.actor, changes: JSON.stringify(changes) })
      .execute()
  }

  private async saveIdempotentResponse(trx: Transaction<Database>, record: IdempotencyRecord, at: string) {
    await trx.deleteFrom('idempotency_keys').where('created_at', '<', record.expiredBefore).execute()
    await trx
      .insertInto('idempotency_keys')
      .values({
        actor: record.actor,
        key: record.key,
        request_hash: record.requestHash,
        status: record.status,
        response_body: record.body,
        created_at: at
      })
      .execute()
  }
}

function toRowPatch(patch: OrgPatch) {
  const { scopes, vipps_enabled, ...rest } = patch
  return {
    ...rest,
    ...(scopes !== undefined ? { scopes: JSON.stringify(scopes) } : {}),
    ...(vipps_enabled !== undefined ? { vipps_enabled: vipps_enabled ? 1 : 0 } : {})
  }
}

function toOrgConfig(row: Selectable<OrgConfigTable>): OrgConfig {
  return {
    org_id: row.org_id,
    client_id: row.client_id,
    client_secret_ref: row.client_secret_ref,
    redirect_uri: row.redirect_uri,
    scopes: JSON.parse(row.scopes) as OrgConfig['scopes'],
    vipps_enabled: Boolean(row.vipps_enabled),
    environment: row.environment,
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: Number(row.version)
  }
}
