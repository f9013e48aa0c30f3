import { type Kysely, PostgresAdapter } from 'kysely'

/**
 * People's sign-in (src/people): sessions and the sign-ins in progress, shared by every instance
 * (so a sign-out is seen everywhere at once and a restart keeps them). Each is keyed by the
 * SHA-256 digest of the random id held in the browser's cookie; the id itself is never stored.
 * Times compared on every request are epoch milliseconds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const millis = db.getExecutor().adapter instanceof PostgresAdapter ? ('bigint' as const) : ('integer' as const)

  await db.schema
    .createTable('sessions')
    .addColumn('id_digest', 'text', (col) => col.primaryKey())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    // The grant read from the roles claim at sign-in: no role is a person with no right.
    .addColumn('role', 'text')
    .addColumn('org_ids', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('seen_at_ms', millis, (col) => col.notNull())
    .addColumn('expires_at_ms', millis, (col) => col.notNull())
    .execute()
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at_ms').execute()
  await db.schema.createIndex('sessions_seen_at').on('sessions').column('seen_at_ms').execute()

  await db.schema
    .createTable('session_sign_ins')
    .addColumn('id_digest', 'text', (col) => col.primaryKey())
    .addColumn('return_to', 'text', (col) => col.notNull())
    .addColumn('expires_at_ms', millis, (col) => col.notNull())
    .execute()
  await db.schema.createIndex('session_sign_ins_expires_at').on('session_sign_ins').column('expires_at_ms').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('session_sign_ins').execute()
  await db.schema.dropTable('sessions').execute()
}
