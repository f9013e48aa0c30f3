import type { Kysely } from 'kysely'

/**
 * Access (issue 23). API keys, stored only as a SHA-256 digest of the key (looked up by it), with
 * their grant, author, expiry and revocation; a revision counter every key change bumps in its
 * transaction, which each instance polls to reload its keys (a revoked key is refused everywhere
 * within a second). The change log's author gains its type and id beside its name (`actor`, kept
 * so an older release still reads a name).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('org_ids', 'text')
    .addColumn('digest', 'text', (col) => col.notNull().unique())
    .addColumn('prefix', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('created_by_type', 'text', (col) => col.notNull())
    .addColumn('created_by_id', 'text', (col) => col.notNull())
    .addColumn('created_by_name', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute()

  await db.schema
    .createTable('api_key_revision')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('revision', 'integer', (col) => col.notNull())
    .execute()
  await db.insertInto('api_key_revision').values({ id: 1, revision: 0 }).execute()

  await db.schema.alterTable('vipps_org_events').addColumn('actor_type', 'text').execute()
  await db.schema.alterTable('vipps_org_events').addColumn('actor_id', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vipps_org_events').dropColumn('actor_id').execute()
  await db.schema.alterTable('vipps_org_events').dropColumn('actor_type').execute()
  await db.schema.dropTable('api_key_revision').execute()
  await db.schema.dropTable('api_keys').execute()
}
