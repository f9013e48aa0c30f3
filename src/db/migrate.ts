import { type Kysely, type Migration, Migrator } from 'kysely'
import * as initial from './migrations/001_initial.js'
import * as listsAndNotify from './migrations/002_lists_and_notify.js'
import * as changeFeed from './migrations/003_change_feed.js'
import * as webhooks from './migrations/004_webhooks.js'
import * as access from './migrations/005_access.js'
import * as sessions from './migrations/007_sessions.js'

const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_lists_and_notify': listsAndNotify,
  '003_change_feed': changeFeed,
  '004_webhooks': webhooks,
  '005_access': access,
  '007_sessions': sessions
}

/**
 * Applies every pending migration. Kysely's Migrator holds a lock while it runs (a row lock on
 * PostgreSQL), so instances starting together apply each migration exactly once. Unordered
 * migrations are allowed: 002 was written after 003 and 004, and a database already at 004
 * must get it too (each migration stands on its own; none depends on a later one).
 */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error })
  }
}
