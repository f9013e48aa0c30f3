import { type Kysely, sql } from 'kysely'
import type { DatabaseHandle } from '../db/connect.js'
import type { Actor } from '../http/access/principal.js'
import type { ChangeRequest } from '../orgs/write-gate.js'
import type { ChangeRequestEventType, ChangeRequestStore, Decision, Executor, ListFilter } from './store.js'
import { type ChangeRequestTables, toRequest, toRow } from './tables.js'

type Db = Kysely<ChangeRequestTables>

/** The ChangeRequestStore on Kysely: the same queries on SQLite and PostgreSQL (but an event's id). */
export class KyselyChangeRequestStore implements ChangeRequestStore {
  private readonly db: Db
  private readonly sqlite: boolean

  constructor(database: DatabaseHandle) {
    this.db = database.db.withTables<ChangeRequestTables>()
    this.sqlite = database.dialect === 'sqlite'
  }

  async insert(request: ChangeRequest, requesterMadeBy: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('change_requests').values(toRow(request, requesterMadeBy)).execute()
      await this.recordEvent(trx, 'change_request.created', request.requested_by, request.requested_at, request)
    })
  }

  async requesterIds(id: string): Promise<string[]> {
    const row = await this.db.selectFrom('change_requests').select(['requested_by_id', 'requested_by_made_by_id']).where('id', '=', id).executeTakeFirst()
    return row ? [row.requested_by_id, ...(row.requested_by_made_by_id === null ? [] : [row.requested_by_made_by_id])] : []
  }

  async find(id: string): Promise<ChangeRequest | undefined> {
    const row = await this.db.selectFrom('change_requests').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toRequest(row)
  }

  async list(filter: ListFilter): Promise<ChangeRequest[]> {
    if (filter.orgIds !== undefined && filter.orgIds.length === 0) return []
    const rows = await this.db
      .selectFrom('change_requests')
      .selectAll()
      .$if(filter.state !== undefined, (q) => q.where('state', '=', filter.state!))
      .$if(filter.orgId !== undefined, (q) => q.where('org_id', '=', filter.orgId!))
      .$if(filter.orgIds !== undefined, (q) => q.where('org_id', 'in', filter.orgIds!))
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute()
    return rows.map(toRequest)
  }

  async decide(id: string, decision: Decision, event?: { type: ChangeRequestEventType; actor: Actor }, trx?: Executor): Promise<ChangeRequest | undefined> {
    const run = async (db: Db) => {
      const row = await db
        .updateTable('change_requests')
        .set({
          state: decision.state,
          decided_at: decision.at,
          decided_by_type: decision.by?.type ?? null,
          decided_by_id: decision.by?.id ?? null,
          decided_by_name: decision.by?.name ?? null,
          reason: decision.reason ?? null,
          comment: decision.comment ?? null
        })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .returningAll()
        .executeTakeFirst()
      if (!row) return undefined
      const request = toRequest(row)
      if (event) await this.recordEvent(db, event.type, event.actor, decision.at, request)
      return request
    }
    if (trx !== undefined) return run((trx as Kysely<unknown>).withTables<ChangeRequestTables>() as unknown as Db)
    return this.db.transaction().execute((own) => run(own))
  }

  async staleAll(orgId: string, at: string, trx: Executor): Promise<void> {
    const db = (trx as Kysely<unknown>).withTables<ChangeRequestTables>() as unknown as Db
    await db.updateTable('change_requests').set({ state: 'stale', decided_at: at }).where('org_id', '=', orgId).where('state', '=', 'pending').execute()
  }

  async expire(now: string): Promise<void> {
    await this.db
      .updateTable('change_requests')
      .set({ state: 'expired', decided_at: sql<string>`expires_at` })
      .where('state', '=', 'pending')
      .where('expires_at', '<=', now)
      .execute()
  }

  async pending(now: string): Promise<{ count: number; oldestRequestedAt?: string }> {
    const row = await this.db
      .selectFrom('change_requests')
      .select((eb) => [eb.fn.countAll<string | number>().as('count'), eb.fn.min('requested_at').as('oldest')])
      .where('state', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirstOrThrow()
    return { count: Number(row.count), ...(row.oldest ? { oldestRequestedAt: String(row.oldest) } : {}) }
  }

  /**
   * One `change_request.*` event of the feed. Its id follows the change log's: on PostgreSQL the
   * column's default takes it from vipps_org_events' sequence (and the transaction id as
   * vipps_org_events does); on SQLite (one writer at a time) it is the next id after both tables
   * and vipps_org_events' AUTOINCREMENT counter, which is moved past it, so ids stay unique and in
   * commit order across both tables.
   */
  private async recordEvent(db: Db, type: ChangeRequestEventType, actor: Actor, at: string, request: ChangeRequest): Promise<void> {
    const values = {
      org_id: request.org_id,
      type,
      at,
      actor_type: actor.type,
      actor_id: actor.id,
      actor_name: actor.name,
      change_request: JSON.stringify(request)
    }
    if (!this.sqlite) {
      await db.insertInto('change_request_events').values(values as never).execute()
      return
    }
    const { rows } = await sql<{ last: number | null; counted: number }>`
      select max(last) as last, (select count(*) from sqlite_sequence where name = 'vipps_org_events') as counted from (
        select seq as last from sqlite_sequence where name = 'vipps_org_events'
        union all select max(id) from vipps_org_events
        union all select max(id) from change_request_events
      )`.execute(db)
    const id = Number(rows[0]?.last ?? 0) + 1
    await db.insertInto('change_request_events').values({ id, ...values }).execute()
    if (Number(rows[0]?.counted ?? 0) > 0) await sql`update sqlite_sequence set seq = ${id} where name = 'vipps_org_events'`.execute(db)
    else await sql`insert into sqlite_sequence (name, seq) values ('vipps_org_events', ${id})`.execute(db)
  }
}
