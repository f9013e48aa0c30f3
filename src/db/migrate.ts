import { type Kysely, type Migration, Migrator } from 'kysely'
import * as initial from './migrations/001_initial.js'
import * as listsAndNotify from './migrations/002_lists_and_notify.js'
import * as changeFeed from './migrations/003_change_feed.js'
import * as webhooks from './migrations/004_webhooks.js'
import * as access from './migrations/005_access.js'
import * as webhookDueIndex from './migrations/006_webhook_due_index.js'
import * as sessions from './migrations/007_sessions.js'
import * as traceContext from './migrations/008_trace_context.js'
import * as changeRequests from './migrations/009_change_requests.js'

const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_lists_and_notify': listsAndNotify,
  '003_change_feed': changeFeed,
  '004_webhooks': webhooks,
  '005_access': access,
  '006_webhook_due_index': webhookDueIndex,
  '007_sessions': sessions,
  '008_trace_context': traceContext,
  '009_change_requests': changeRequests
}

/** Kysely's default name for the table of executed migrations. */
const MIGRATION_TABLE = 'kysely_migration'

/** The migrations this release knows, by name. */
export function knownMigrationNames(): string[] {
  return Object.keys(migrations).sort()
}

export interface MigrationOutcome {
  /** Migrations this run applied. */
  applied: string[]
  /** Migrations the database has that this release does not know: a newer release applied them. */
  newer: string[]
}

/**
 * Applies every pending migration. Kysely's Migrator holds a lock while it runs (a row lock on
 * PostgreSQL), so instances starting together apply each migration exactly once. Unordered
 * migrations are allowed: 002 was written after 003 and 004, and a database already at 004
 * must get it too (each migration stands on its own; none depends on a later one).
 *
 * During a rolling upgrade an older release starts on a database a newer one has migrated.
 * Kysely refuses that ("previously executed migration … is missing") and has no option to
 * allow it, so the executed migrations this release does not know are handed to it as
 * placeholders: already executed, they are never run, and nothing is migrated backwards.
 * Migrations only add, so the older release keeps working on the newer schema.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationOutcome> {
  let newer = await newerMigrations(db)
  // A newer instance may apply a migration between that read and the Migrator's lock; then the
  // Migrator sees a name it was not given and fails before changing anything: read again.
  for (let attempt = 1; ; attempt++) {
    const provider = { getMigrations: async () => ({ ...placeholders(newer), ...migrations }) }
    const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest()
    const failed = results?.find((r) => r.status === 'Error')
    if (!error && !failed) {
      return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName), newer }
    }
    const seen = await newerMigrations(db)
    if (!failed && attempt < 3 && seen.length > newer.length) {
      newer = seen
      continue
    }
    throw new Error(`${failed ? `migration ${failed.migrationName}` : 'migrations'} failed: ${String(error)}`, { cause: error })
  }
}

/** The executed migrations this release does not know (none on a fresh database). */
export async function newerMigrations(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true })
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return []
  const rows = await db.selectFrom(MIGRATION_TABLE).select('name').execute()
  return rows.map((r) => r.name as string).filter((name) => !(name in migrations)).sort()
}

function placeholders(names: string[]): Record<string, Migration> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        // Only ever given for a migration the database has executed, so never run; if it were,
        // failing is safer than pretending a newer release's schema change happened.
        up: async () => {
          throw new Error(`migration ${name} belongs to a newer release`)
        }
      }
    ])
  )
}
