import { type Kysely, PostgresAdapter, sql } from 'kysely'

/** Timestamps are RFC 3339 UTC text to the second: they sort as text and need no conversion. */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const id = postgres ? ('bigint' as const) : ('integer' as const)

  await db.schema
    .createTable('vipps_org_configs')
    .addColumn('id', id, (col) =>
      postgres ? col.primaryKey().generatedAlwaysAsIdentity() : col.primaryKey().autoIncrement()
    )
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('client_secret_ref', 'text', (col) => col.notNull())
    .addColumn('redirect_uri', 'text', (col) => col.notNull())
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('environment', 'text', (col) => col.notNull().check(sql`environment in ('production', 'test')`))
    .addColumn('vipps_enabled', 'boolean', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('deleted_at', 'text')
    .execute()

  // One live config per org_id; deleted rows are kept beside it.
  await db.schema
    .createIndex('vipps_org_configs_live_org_id')
    .on('vipps_org_configs')
    .column('org_id')
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute()

  // The list: filter on vipps_enabled (and environment), or on nothing; order by created_at, org_id.
  await db.schema
    .createIndex('vipps_org_configs_live_order')
    .on('vipps_org_configs')
    .columns(['created_at', 'org_id'])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute()
  await db.schema
    .createIndex('vipps_org_configs_live_list')
    .on('vipps_org_configs')
    .columns(['vipps_enabled', 'created_at', 'org_id'])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute()
  await db.schema
    .createIndex('vipps_org_configs_live_list_env')
    .on('vipps_org_configs')
    .columns(['environment', 'vipps_enabled', 'created_at', 'org_id'])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute()

  await db.schema
    .createTable('vipps_org_events')
    .addColumn('id', id, (col) =>
      postgres ? col.primaryKey().generatedAlwaysAsIdentity() : col.primaryKey().autoIncrement()
    )
    .addColumn('org_id', 'text', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull().check(sql`action in ('create', 'update', 'delete')`))
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('changes', 'text', (col) => col.notNull())
    .addUniqueConstraint('vipps_org_events_org_version', ['org_id', 'version'])
    .execute()

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('request_hash', 'text', (col) => col.notNull())
    .addColumn('status', 'integer', (col) => col.notNull())
    .addColumn('response_body', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['actor', 'key'])
    .execute()
  await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute()

  if (postgres) {
    // Every change of a config row, by this service or anyone else, tells every listening
    // instance which org_id to drop from its read cache. Delivered when the change commits.
    await sql`
      create function vipps_org_notify_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('vipps_org_changed', coalesce(new.org_id, old.org_id));
        return null;
      end $$`.execute(db)
    await sql`
      create trigger vipps_org_configs_notify after insert or update or delete on vipps_org_configs
      for each row execute function vipps_org_notify_change()`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop trigger if exists vipps_org_configs_notify on vipps_org_configs`.execute(db)
    await sql`drop function if exists vipps_org_notify_change()`.execute(db)
  }
  await db.schema.dropTable('idempotency_keys').execute()
  await db.schema.dropTable('vipps_org_events').execute()
  await db.schema.dropTable('vipps_org_configs').execute()
}
