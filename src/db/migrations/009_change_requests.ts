import { type Kysely, PostgresAdapter, sql } from 'kysely'

/**
 * Change approvals (issue 24, api.md "Change approvals (four eyes)"). Only adds:
 * - `change_requests`: held writes waiting for a second person, with who asked and who decided;
 * - `change_request_events`: the feed's `change_request.*` events. Their ids share the change
 *   log's sequence (PostgreSQL: the identity sequence of vipps_org_events; SQLite: its
 *   AUTOINCREMENT counter, advanced by the writer), so one (txid, id) order covers both tables;
 * - who approved an applied change, beside its author in `vipps_org_events` (null otherwise).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter

  await db.schema
    .createTable('change_requests')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('operation', 'text', (col) => col.notNull())
    .addColumn('changes', 'text', (col) => col.notNull())
    .addColumn('base_version', 'integer', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull())
    .addColumn('requested_by_type', 'text', (col) => col.notNull())
    .addColumn('requested_by_id', 'text', (col) => col.notNull())
    .addColumn('requested_by_name', 'text', (col) => col.notNull())
    // An API key's owner, when a key asked: four eyes counts the key and its owner as one (never answered).
    .addColumn('requested_by_made_by_id', 'text')
    .addColumn('requested_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('decided_by_type', 'text')
    .addColumn('decided_by_id', 'text')
    .addColumn('decided_by_name', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    .addColumn('comment', 'text')
    .execute()
  await db.schema.createIndex('change_requests_state').on('change_requests').columns(['state', 'requested_at']).execute()
  await db.schema.createIndex('change_requests_org').on('change_requests').columns(['org_id', 'state']).execute()

  if (postgres) {
    const { rows } = await sql<{ seq: string }>`select pg_get_serial_sequence('vipps_org_events', 'id') as seq`.execute(db)
    const sequence = rows[0]!.seq
    await sql`
      create table change_request_events (
        id bigint primary key default nextval(${sql.lit(sequence)}::regclass),
        txid xid8 not null default pg_current_xact_id(),
        org_id text not null,
        type text not null,
        at text not null,
        actor_type text not null,
        actor_id text not null,
        actor_name text not null,
        change_request text not null
      )`.execute(db)
    await sql`create index change_request_events_feed_order on change_request_events (txid, id)`.execute(db)
  } else {
    await db.schema
      .createTable('change_request_events')
      .addColumn('id', 'integer', (col) => col.primaryKey())
      .addColumn('org_id', 'text', (col) => col.notNull())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('at', 'text', (col) => col.notNull())
      .addColumn('actor_type', 'text', (col) => col.notNull())
      .addColumn('actor_id', 'text', (col) => col.notNull())
      .addColumn('actor_name', 'text', (col) => col.notNull())
      .addColumn('change_request', 'text', (col) => col.notNull())
      .execute()
  }
  await db.schema.createIndex('change_request_events_org').on('change_request_events').columns(['org_id', 'id']).execute()

  await db.schema.alterTable('vipps_org_events').addColumn('approved_by', 'text').execute()
  await db.schema.alterTable('vipps_org_events').addColumn('approved_by_type', 'text').execute()
  await db.schema.alterTable('vipps_org_events').addColumn('approved_by_id', 'text').execute()
  // Who answers for an API key (the root of the keys that made it): four eyes counts a key as its owner.
  await db.schema.alterTable('api_keys').addColumn('owner_id', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('owner_id').execute()
  await db.schema.alterTable('vipps_org_events').dropColumn('approved_by_id').execute()
  await db.schema.alterTable('vipps_org_events').dropColumn('approved_by_type').execute()
  await db.schema.alterTable('vipps_org_events').dropColumn('approved_by').execute()
  await db.schema.dropTable('change_request_events').execute()
  await db.schema.dropTable('change_requests').execute()
}
