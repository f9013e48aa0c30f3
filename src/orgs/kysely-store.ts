import { type Kysely, PostgresAdapter, type RawBuilder, type Selectable, type Transaction, sql } from 'kysely'
import type { Database } from '../db/connect.js'
import { isUniqueViolation } from '../db/errors.js'
import { TransactionPerWrite, type Writer } from '../db/group-commit.js'
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
import { actorColumns, actorOf, approverColumns, approverOf, fromColumns, type OrgConfigTable, type OrgTables, toColumns } from './tables.js'
import { type ConfigRow, type CreateSlot, type EventSlot, OrgWriteStatements, type UpdateSlot } from './write-statements.js'

type Db = Kysely<OrgTables>
type Writing = Transaction<OrgTables>

const SUMMARY_COLUMNS = ['org_id', 'client_id', 'vipps_enabled', 'environment', 'created_at'] as const

/** The OrgStore on Kysely: the same queries serve SQLite and PostgreSQL. */
export class KyselyOrgStore implements OrgStore {
  private readonly db: Db
  // The prefix search compares bytes (code points) on both databases: the indexes of migration
  // 002 are built so (PostgreSQL's default collation would order by language rules instead).
  private readonly bytewise: RawBuilder<unknown>
  private readonly postgres: boolean
  private readonly writer: Writer<Database>
  private readonly statements: OrgWriteStatements
  /** The trace context a change's event keeps (tracing on: the request's span); null when off. */
  private readonly traceContext: () => string | null

  /**
   * `writer`: where writes are made (the database handle's; without one, each write its own
   * transaction).
   */
  constructor(db: Kysely<Database>, options: { traceContext?: () => string | null; writer?: Writer<Database> } = {}) {
    this.db = db.withTables<OrgTables>()
    this.traceContext = options.traceContext ?? (() => null)
    this.writer = options.writer ?? new TransactionPerWrite(db)
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter
    this.bytewise = this.postgres ? sql` collate "C"` : sql``
    this.statements = new OrgWriteStatements(this.db, this.postgres)
  }

  async findLive(orgId: string): Promise<OrgRecord | undefined> {
    const row = await this.db
      .selectFrom('vipps_org_configs')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()
    return row && toRecord(row)
  }

  async list(filter: ListFilter): Promise<Page<OrgSummary>> {
    let query = this.db.selectFrom('vipps_org_configs').where('deleted_at', 'is', null)
    if (filter.vipps_enabled !== undefined) query = query.where('vipps_enabled', '=', filter.vipps_enabled ? 1 : 0)
    if (filter.environment !== undefined) query = query.where('environment', '=', filter.environment)
    if (filter.orgIds !== undefined) {
      if (filter.orgIds.length === 0) return { items: [], total: 0 }
      query = query.where('org_id', 'in', filter.orgIds)
    }
    if (filter.q !== undefined) {
      const from = searchKey(filter.q)
      const to = prefixEnd(from)
      const c = this.bytewise
      query = query.where(
        sql<boolean>`((org_id${c} >= ${from} and org_id${c} < ${to}) or (lower(client_id)${c} >= ${from} and lower(client_id)${c} < ${to}))`
      )
    }
    // By key: org_id in byte order on both databases (the indexes on org_id, 001 and 002, serve it).
    const byKey = sql`org_id${this.bytewise}`
    if (filter.after !== undefined) query = query.where(sql<boolean>`${byKey} > ${filter.after}`)
    const ordered =
      filter.after !== undefined
        ? query.select(SUMMARY_COLUMNS).orderBy(byKey)
        : query.select(SUMMARY_COLUMNS).orderBy('created_at').orderBy('org_id').offset(filter.offset)
    const [rows, count] = await Promise.all([
      ordered.limit(filter.limit).execute(),
      query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow()
    ])
    return {
      items: rows.map((row) => ({ ...row, vipps_enabled: Boolean(row.vipps_enabled) })),
      total: Number(count.total)
    }
  }

  async liveSummaries(orgIds?: readonly string[]): Promise<OrgSummary[]> {
    if (orgIds !== undefined && orgIds.length === 0) return []
    const rows =
      orgIds !== undefined && this.postgres
        ? await this.liveSummariesByLookup(orgIds)
        : await this.db
            .selectFrom('vipps_org_configs')
            .select(SUMMARY_COLUMNS)
            .where('deleted_at', 'is', null)
            .$if(orgIds !== undefined, (query) => query.where('org_id', 'in', orgIds!))
            .execute()
    return rows.map((row) => ({ ...row, vipps_enabled: Boolean(row.vipps_enabled) }))
  }

  /**
   * PostgreSQL: one unique-index lookup per org_id. Asked as `org_id in (…)` or as a plain join, a
   * table not yet analyzed (a new database filling fast: an import, a benchmark) got a plan that
   * read every live row for each batch (a bitmap scan of a partial index, the ids as a filter or a
   * hash): the list index's refreshes after creates read the whole table, 11 ms a batch at 11,000
   * orgs. The `limit 1` (org_id is unique among live rows) keeps the subquery from being folded
   * into a join, so each org_id is one probe of the unique index.
   */
  private async liveSummariesByLookup(orgIds: readonly string[]) {
    const { rows } = await sql<Pick<Selectable<OrgConfigTable>, (typeof SUMMARY_COLUMNS)[number]>>`
      select ${sql.join(SUMMARY_COLUMNS.map((column) => sql.ref(`c.${column}`)))}
      from unnest(${orgIds}::text[]) as wanted(org_id)
      cross join lateral (
        select * from vipps_org_configs where org_id = wanted.org_id and deleted_at is null limit 1
      ) as c
    `.execute(this.db)
    return rows
  }

  async create(orgId: string, fields: ConfigFields, ctx: WriteContext, idempotency?: IdempotencyRecord): Promise<OrgRecord> {
    const changes: Changes = {}
    for (const [field, value] of Object.entries(fields)) changes[field] = { from: null, to: value }
    const values = { org_id: orgId, ...toColumns(fields), at: ctx.at } as Record<CreateSlot, unknown>
    try {
      // PostgreSQL: the config and its event in one statement (itself a transaction): one round
      // trip instead of four (BEGIN, two INSERTs, COMMIT), which is what bounds creates per second.
      const oneStatement = this.statements.createWithEvent
      if (oneStatement && !idempotency && !ctx.inTransaction) {
        const event = this.eventValues(orgId, 0, 'create', changes, ctx)
        const { rows } = await this.writer.writeStatement((db) => db.executeQuery<ConfigRow>(oneStatement.with({ ...event, ...values })))
        return toRecord(rows[0]!)
      }
      return await this.write(async (trx) => {
        const { rows } = await trx.executeQuery<ConfigRow>(this.statements.create.with(values))
        const row = rows[0]!
        await this.recordEvent(trx, this.eventValues(orgId, Number(row.version), 'create', changes, ctx))
        if (idempotency) await saveIdempotentResponse(trx, idempotency, ctx.at)
        await ctx.inTransaction?.(trx)
        return toRecord(row)
      })
    } catch (err) {
      if (isUniqueViolation(err, 'idempotency_keys')) throw new IdempotencyKeyTakenError(idempotency?.key)
      if (isUniqueViolation(err)) throw new AlreadyExistsError(orgId)
      throw err
    }
  }

  async update(current: OrgRecord, changes: FieldChanges, ctx: WriteContext, idempotency?: IdempotencyRecord): Promise<OrgRecord | undefined> {
    const changed = Object.keys(changes)
    const to = Object.fromEntries(Object.entries(changes).map(([field, change]) => [field, change.to]))
    const values = {
      ...toColumns(to as Partial<ConfigFields>),
      org_id: current.org_id,
      version: current.version,
      new_version: current.version + 1,
      at: ctx.at
    } as Record<UpdateSlot, unknown>
    // PostgreSQL: the version check, the update and its event in one statement (itself a
    // transaction): one round trip instead of four, as for create.
    // (Not for a change request's approval: it runs more in the same transaction, and names its approver.)
    if (this.postgres && !idempotency && !ctx.inTransaction && !ctx.approvedBy) {
      const event = this.eventValues(current.org_id, 0, 'update', changes as Changes, ctx)
      const statement = this.statements.updateWithEvent(changed)
      const { rows } = await this.writer.writeStatement((db) => db.executeQuery<ConfigRow>(statement.with({ ...event, ...values })))
      return rows[0] && toRecord(rows[0])
    }
    return keyedWrite(idempotency, () =>
      this.write(async (trx) => {
        const { rows } = await trx.executeQuery<ConfigRow>(this.statements.update(changed).with(values))
        const row = rows[0]
        if (!row) return undefined
        await this.recordEvent(trx, this.eventValues(current.org_id, Number(row.version), 'update', changes as Changes, ctx))
        if (idempotency) await saveIdempotentResponse(trx, idempotency, ctx.at)
        await ctx.inTransaction?.(trx)
        return toRecord(row)
      })
    )
  }

  async softDelete(current: OrgRecord, ctx: WriteContext, idempotency?: IdempotencyRecord): Promise<boolean> {
    return keyedWrite(idempotency, () =>
      this.write(async (trx) => {
        const version = current.version + 1
        const result = await trx.executeQuery(
          this.statements.softDelete.with({ org_id: current.org_id, version: current.version, new_version: version, at: ctx.at })
        )
        if (Number(result.numAffectedRows) !== 1) return false
        await this.recordEvent(trx, this.eventValues(current.org_id, version, 'delete', { deleted_at: { from: null, to: ctx.at } }, ctx))
        if (idempotency) await saveIdempotentResponse(trx, idempotency, ctx.at)
        await ctx.inTransaction?.(trx)
        return true
      })
    )
  }

  /** An event's values (`version` unused where the statement takes it from the row it wrote). */
  private eventValues(orgId: string, version: number, action: OrgEvent['action'], changes: Changes, ctx: WriteContext): Record<EventSlot, unknown> {
    return {
      org_id: orgId,
      version,
      action,
      at: ctx.at,
      ...actorColumns(ctx.actor),
      ...(ctx.approvedBy ? approverColumns(ctx.approvedBy) : { approved_by: null, approved_by_type: null, approved_by_id: null }),
      changes: JSON.stringify(changes),
      trace_context: this.traceContext()
    }
  }

  private async recordEvent(trx: Writing, values: Record<EventSlot, unknown>): Promise<void> {
    await trx.executeQuery((values.approved_by === null ? this.statements.event : this.statements.approvedEvent).with(values))
  }

  async keepResponse(idempotency: IdempotencyRecord, at: string): Promise<void> {
    await keyedWrite(idempotency, () => this.write((trx) => saveIdempotentResponse(trx, idempotency, at)))
  }

  /** A write in its transaction (on SQLite, shared with the writes that arrive with it; in its own savepoint). */
  private write<T>(work: (trx: Writing) => Promise<T>): Promise<T> {
    return this.writer.write((trx) => work(trx.withTables<OrgTables>()))
  }

  async history(orgId: string, offset: number, limit: number): Promise<Page<OrgEvent>> {
    const query = this.db.selectFrom('vipps_org_events').where('org_id', '=', orgId)
    const [rows, count] = await Promise.all([
      query
        .select(['version', 'action', 'at', 'actor', 'actor_type', 'actor_id', 'approved_by', 'approved_by_type', 'approved_by_id', 'changes'])
        .orderBy('version')
        .limit(limit)
        .offset(offset)
        .execute(),
      query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow()
    ])
    return {
      items: rows.map((row) => {
        const approvedBy = approverOf(row)
        return {
          version: Number(row.version),
          action: row.action,
          at: row.at,
          actor: actorOf(row),
          ...(approvedBy ? { approved_by: approvedBy } : {}),
          changes: JSON.parse(row.changes) as Changes
        }
      }),
      total: Number(count.total)
    }
  }

  async findIdempotentResponse(actor: string, key: string, notBefore: string): Promise<StoredResponse | undefined> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status', 'response_body'])
      .where('actor', '=', actor)
      .where('key', '=', key)
      .where('created_at', '>=', notBefore)
      .executeTakeFirst()
    return row && { requestHash: row.request_hash, status: Number(row.status), body: row.response_body }
  }
}

/** A write under a key: a unique violation on the key means its answer is kept already. */
async function keyedWrite<T>(idempotency: IdempotencyRecord | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (err) {
    if (idempotency && isUniqueViolation(err, 'idempotency_keys')) throw new IdempotencyKeyTakenError(idempotency.key)
    throw err
  }
}

async function saveIdempotentResponse(trx: Writing, record: IdempotencyRecord, at: string): Promise<void> {
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

/** The smallest string after every string that starts with `prefix` (by code point). */
function prefixEnd(prefix: string): string {
  const chars = [...prefix]
  const last = chars.pop()!.codePointAt(0)!
  return last >= 0x10ffff ? `${chars.join('')}\u{10ffff}\u{10ffff}` : chars.join('') + String.fromCodePoint(last + 1)
}

function toRecord(row: Selectable<OrgConfigTable>): OrgRecord {
  return {
    org_id: row.org_id,
    ...fromColumns(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
    version: Number(row.version)
  }
}
