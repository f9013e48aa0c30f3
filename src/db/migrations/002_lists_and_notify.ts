import { type Kysely, PostgresAdapter, sql } from 'kysely'

/**
 * Two things of the hot paths (issue 14).
 *
 * The list's prefix search (`q`): org_id or client_id starting with a string, A–Z matching a–z.
 * Both compare bytes (code points): on PostgreSQL the expressions say collate "C", which the
 * queries repeat (a range over the default collation would follow language rules and could not
 * use these indexes). On SQLite the live org_id index of 001 already serves org_id ranges.
 *
 * The change notification leaves the write transaction: the trigger of 001 is dropped, and the
 * service announces its changes right after each commit (src/orgs/cache-invalidation.ts says why:
 * NOTIFY inside a write transaction serializes every commit of the database behind its fsync).
 *
 * Numbered 002, written after 003 and 004: the migrator allows unordered migrations, so a
 * database already at 004 gets it too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create index vipps_org_configs_live_org_id_bytes on vipps_org_configs ((org_id collate "C")) where deleted_at is null`.execute(db)
    await sql`create index vipps_org_configs_live_client_key on vipps_org_configs ((lower(client_id) collate "C")) where deleted_at is null`.execute(db)
    await sql`drop trigger if exists vipps_org_configs_notify on vipps_org_configs`.execute(db)
    await sql`drop function if exists vipps_org_notify_change()`.execute(db)
  } else {
    await sql`create index vipps_org_configs_live_client_key on vipps_org_configs (lower(client_id)) where deleted_at is null`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`
      create or replace function vipps_org_notify_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('vipps_org_changed', coalesce(new.org_id, old.org_id));
        return null;
      end $$`.execute(db)
    await sql`
      create trigger vipps_org_configs_notify after insert or update or delete on vipps_org_configs
      for each row execute function vipps_org_notify_change()`.execute(db)
  }
  await sql`drop index if exists vipps_org_configs_live_client_key`.execute(db)
  await sql`drop index if exists vipps_org_configs_live_org_id_bytes`.execute(db)
}
