import { resolve } from 'node:path'
import { ConfigError, loadConfig } from './config.js'
import { sqliteFileOf } from './db/connect.js'
import { knownMigrationNames } from './db/migrate.js'
import { BadDatabaseFile } from './db/sqlite-backup.js'
import { DatabaseInUse } from './db/sqlite-lock.js'
import { restoreDatabase } from './db/sqlite-restore.js'

/**
 * `npm run restore -- <file>`: puts a backup in place of the SQLite database DATABASE_URL names,
 * with no server running on it; the database it replaces is kept beside it. A relative <file> is
 * the caller's (npm runs scripts in the package's directory and passes the caller's in INIT_CWD).
 */
function main(): void {
  const [backup, ...rest] = process.argv.slice(2)
  if (!backup || rest.length > 0) fail('usage: npm run restore -- <backup file>')
  const config = loadConfig()
  const live = sqliteFileOf(config.databaseUrl)
  if (live === undefined) fail('DATABASE_URL names PostgreSQL: restore it with pg_restore (README, "Backup and restore")')
  if (live === ':memory:') fail('DATABASE_URL is sqlite::memory:: there is no file to restore into')
  const result = restoreDatabase(resolve(process.env.INIT_CWD ?? process.cwd(), backup), live, knownMigrationNames())
  console.log(
    `restored ${backup} into ${result.live} (${result.checked.bytes} bytes, integrity_check ok, migrations up to ` +
      `${result.checked.migrations.at(-1) ?? '(none)'}); ${result.kept ? `the database it replaced is kept as ${result.kept}` : 'there was no database there before'}. ` +
      'Start the server: it applies any migration the backup lacks.'
  )
}

function fail(message: string): never {
  console.error(`vipps-orgs restore: refused: ${message}`)
  process.exit(2)
}

try {
  main()
} catch (err) {
  if (err instanceof BadDatabaseFile || err instanceof DatabaseInUse || err instanceof ConfigError) {
    fail(`${err.message}. The live database is untouched.`)
  }
  console.error('vipps-orgs restore: failed:', err instanceof Error ? err.message : err)
  process.exit(1)
}
