import { type Kysely, PostgresAdapter, sql } from 'kysely'

/**
 * The change feed reads vipps_org_events in commit order. On SQLite, writers are serialized and
 * an event's id is taken inside its write transaction, so id order is commit order. On
 * PostgreSQL ids are taken at insert and become visible at commit, in any order; each event
 * also records its transaction id (xid8), and the feed orders by (txid, id) and shows only
 * events of transactions older than every one still in flight (pg_snapshot_xmin).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  await sql`alter table vipps_org_events add column txid xid8 not null default pg_current_xact_id()`.execute(db)
  await sql`create index vipps_org_events_feed_order on vipps_org_events (txid, id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  await sql`drop index if exists vipps_org_events_feed_order`.execute(db)
  await sql`alter table vipps_org_events drop column txid`.execute(db)
}
