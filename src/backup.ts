import { resolve } from 'node:path'
import { ConfigError, loadConfig } from './config.js'
import { sqliteFileOf } from './db/connect.js'
import { backupDatabase } from './db/sqlite-backup.js'

/**
 * `npm run backup -- <file>`: a consistent copy of the SQLite database DATABASE_URL names (as for
 * `npm start`), taken while the server serves and writes, checked before it is put at <file>.
 */
async function main(): Promise<void> {
  const [destination, ...rest] = process.argv.slice(2)
  if (!destination || rest.length > 0) fail('usage: npm run backup -- <file>')
  const config = loadConfig()
  const source = sqliteFileOf(config.databaseUrl)
  if (source === undefined) fail('DATABASE_URL names PostgreSQL: back it up with pg_dump (README, "Backup and restore")')
  if (source === ':memory:') fail('DATABASE_URL is sqlite::memory:: there is no file to back up')
  const result = await backupDatabase(source, argumentPath(destination))
  console.log(
    `backed up ${source} to ${result.file}: ${result.bytes} bytes, ${result.pages} pages, integrity_check ok, ` +
      `migrations up to ${result.migrations.at(-1) ?? '(none)'}, in ${Math.round(result.durationMs)} ms`
  )
}

/** npm runs scripts in the package's directory; a relative path means the caller's (INIT_CWD). */
function argumentPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path)
}

function fail(message: string): never {
  console.error(`vipps-orgs backup: ${message}`)
  process.exit(2)
}

main().catch((err: unknown) => {
  console.error(`vipps-orgs backup: failed: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
