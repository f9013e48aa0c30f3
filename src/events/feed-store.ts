import { type Kysely, sql } from 'kysely'
import type { Database, DatabaseHandle } from '../db/connect.js'
import type { Changes, OrgEvent } from '../orgs/schemas.js'
import { actorOf } from '../orgs/tables.js'
import type { ChangeRequest } from '../orgs/write-gate.js'
import { encodeCursor, type Position, START } from './cursor.js'
import { EVENT_TYPE_OF_ACTION, type FeedEvent } from './schemas.js'

export interface FeedPage {
  events: FeedEvent[]
  /** The position of the last event returned (absent when none was). */
  last?: Position
  /**
   * Committed events follow that cannot be shown yet: an older transaction is still in flight
   * (PostgreSQL). Ask again shortly; no notification may come when that transaction ends.
   */
  pending: boolean
  /** The trace context each event keeps (migration 008), by event id: only the events that have one. */
  traceContexts: Map<string, string>
}

/** Which events a read returns: one org's, some orgs' (a limited grant), or (neither) all. */
export interface FeedFilter {
  orgId?: string
  orgIds?: readonly string[]
}

/** Reads the org change log in commit order. */
export interface FeedStore {
  readAfter(after: Position, limit: number, filter?: FeedFilter): Promise<FeedPage>
  /** The position of the last event a reader may see now. */
  end(): Promise<Position>
  /** Throws FeedCannotContinue when new events could not follow the ones stored. */
  ensureCanContinue(): Promise<void>
}

/** The database's change log is ahead of where new events would go: serving would stall the feed. */
export class FeedCannotContinue extends Error {
  override name = 'FeedCannotContinue'
}

/** A row of either log: the orgs' (vipps_org_events) or the change requests' (change_request_events). */
interface EventRow {
  id: string | number
  /** As text: a bigint. (Not named txid: ORDER BY would then sort the text.) */
  txid_text?: string
  xmin?: string
  org_id: string
  version: string | number | null
  action: OrgEvent['action'] | null
  /** change_request_events only: the event's type. */
  cr_type: string | null
  at: string
  actor: string
  actor_type: string | null
  actor_id: string | null
  changes: string | null
  /** change_request_events only: the request after the event (JSON). */
  change_request: string | null
  trace_context: string | null
}

function toFeedEvent(row: EventRow, position: Position): FeedEvent {
  if (row.cr_type !== null && row.change_request !== null) {
    const request = JSON.parse(row.change_request) as ChangeRequest
    return {
      id: encodeCursor(position),
      type: row.cr_type as FeedEvent['type'],
      org_id: row.org_id,
      occurred_at: row.at,
      actor: actorOf(row),
      changes: request.changes,
      change_request: request
    }
  }
  return {
    id: encodeCursor(position),
    type: EVENT_TYPE_OF_ACTION[row.action!],
    org_id: row.org_id,
    version: Number(row.version),
    occurred_at: row.at,
    actor: actorOf(row),
    changes: JSON.parse(row.changes!) as Changes
  }
}

const ORG_COLUMNS = sql`id, org_id, version, action, null as cr_type, at, actor, actor_type, actor_id, changes, null as change_request, trace_context`
const REQUEST_COLUMNS = sql`id, org_id, null as version, null as action, type as cr_type, at, actor_name as actor, actor_type, actor_id, null as changes, change_request, null as trace_context`

/** The trace contexts of the events read, by event id. */
function traceContextsOf(rows: readonly EventRow[], events: readonly FeedEvent[]): Map<string, string> {
  const contexts = new Map<string, string>()
  events.forEach((event, i) => {
    const kept = rows[i]!.trace_context
    if (kept) contexts.set(event.id, kept)
  })
  return contexts
}

/** The filter as SQL conditions (`and …`); an empty list of orgs matches nothing. */
function filterSql(filter: FeedFilter, postgres: boolean) {
  const conditions = []
  if (filter.orgId !== undefined) conditions.push(sql`and org_id = ${filter.orgId}`)
  if (filter.orgIds !== undefined) {
    if (filter.orgIds.length === 0) conditions.push(sql`and false`)
    else if (postgres) conditions.push(sql`and org_id = any(${[...filter.orgIds]}::text[])`)
    else conditions.push(sql`and org_id in (${sql.join(filter.orgIds)})`)
  }
  return conditions.length === 0 ? sql`` : sql.join(conditions, sql` `)
}

/**
 * SQLite serializes writers and an event takes its id inside its write transaction: ids are in
 * commit order, and every id a reader sees is final.
 */
class SqliteFeedStore implements FeedStore {
  constructor(private readonly db: Kysely<Database>) {}

  async readAfter(after: Position, limit: number, filter: FeedFilter = {}): Promise<FeedPage> {
    // Both logs take their ids from one counter (migration 009): one order by id.
    const where = sql`id > ${Number(after.id)} ${filterSql(filter, false)}`
    const { rows } = await sql<EventRow>`
      select * from (
        select * from (select ${ORG_COLUMNS} from vipps_org_events where ${where} order by id limit ${limit})
        union all
        select * from (select ${REQUEST_COLUMNS} from change_request_events where ${where} order by id limit ${limit})
      ) order by id limit ${limit}
    `.execute(this.db)
    const events = rows.map((row) => toFeedEvent(row, { txid: 0n, id: BigInt(row.id) }))
    const lastRow = rows.at(-1)
    return { events, pending: false, traceContexts: traceContextsOf(rows, events), ...(lastRow ? { last: { txid: 0n, id: BigInt(lastRow.id) } } : {}) }
  }

  async end(): Promise<Position> {
    const { rows } = await sql<{ id: number | null }>`
      select max(id) as id from (select max(id) as id from vipps_org_events union all select max(id) from change_request_events)
    `.execute(this.db)
    return { txid: 0n, id: BigInt(rows[0]?.id ?? 0) }
  }

  async ensureCanContinue(): Promise<void> {
    // Ids come from the database file itself: new events always follow the stored ones.
  }
}

/**
 * PostgreSQL takes ids at insert, and they become visible at commit in any order: a reader
 * could pass id 41 while 40 is still uncommitted and never see it. So each event records its
 * transaction id; the feed is ordered by (txid, id) and shows only events of transactions that
 * began before the oldest one still in flight (pg_snapshot_xmin of the statement's snapshot):
 * those are all finished, so nothing can ever appear before them.
 */
class PostgresFeedStore implements FeedStore {
  constructor(private readonly db: Kysely<Database>) {}

  async readAfter(after: Position, limit: number, filter: FeedFilter = {}): Promise<FeedPage> {
    // Both logs share the sequence of ids and record their transaction ids (migration 009): one (txid, id) order.
    const where = sql`(txid, id) > (${after.txid.toString()}::xid8, ${after.id.toString()}::bigint) ${filterSql(filter, true)}`
    const { rows } = await sql<EventRow>`
      select e.*, e.txid_order::text as txid_text, pg_snapshot_xmin(pg_current_snapshot())::text as xmin from (
        (select ${ORG_COLUMNS}, txid as txid_order from vipps_org_events where ${where} order by txid, id limit ${limit})
        union all
        (select ${REQUEST_COLUMNS}, txid from change_request_events where ${where} order by txid, id limit ${limit})
      ) as e
      order by e.txid_order, e.id
      limit ${limit}
    `.execute(this.db)
    const events: FeedEvent[] = []
    let last: Position | undefined
    for (const row of rows) {
      if (BigInt(row.txid_text!) >= BigInt(row.xmin!)) break
      last = { txid: BigInt(row.txid_text!), id: BigInt(row.id) }
      events.push(toFeedEvent(row, last))
    }
    return { events, pending: events.length < rows.length, traceContexts: traceContextsOf(rows, events), ...(last ? { last } : {}) }
  }

  async end(): Promise<Position> {
    const { rows } = await sql<{ txid_text: string; id: string }>`
      select txid::text as txid_text, id from (
        (select txid, id from vipps_org_events where txid < pg_snapshot_xmin(pg_current_snapshot()) order by txid desc, id desc limit 1)
        union all
        (select txid, id from change_request_events where txid < pg_snapshot_xmin(pg_current_snapshot()) order by txid desc, id desc limit 1)
      ) as last
      order by txid desc, id desc
      limit 1
    `.execute(this.db)
    const row = rows[0]
    return row ? { txid: BigInt(row.txid_text), id: BigInt(row.id) } : START
  }

  /**
   * Transaction ids belong to the PostgreSQL server (cluster), not to the database: a dump
   * restored into another server keeps its events' txids while that server's own may be far
   * behind. New events would then sort before the restored ones and stay hidden behind them (a
   * follower past the restored end would never see them). Refused at start instead.
   */
  async ensureCanContinue(): Promise<void> {
    const { rows } = await sql<{ last: string | null; next: string }>`
      select (select max(txid) from vipps_org_events)::text as last, pg_snapshot_xmax(pg_current_snapshot())::text as next
    `.execute(this.db)
    const { last, next } = rows[0]!
    if (last !== null && BigInt(last) >= BigInt(next)) {
      throw new FeedCannotContinue(
        `the change log's newest transaction id (${last}) is ahead of this PostgreSQL server's next one (${next}): the database was ` +
          'restored into another PostgreSQL server, and new changes would sort before the restored ones in the change feed. Advance ' +
          `this server's transaction ids past ${last} first (README, "Restore into another PostgreSQL server")`
      )
    }
  }
}

export function feedStoreFor(database: DatabaseHandle): FeedStore {
  return database.dialect === 'postgres' ? new PostgresFeedStore(database.db) : new SqliteFeedStore(database.db)
}
