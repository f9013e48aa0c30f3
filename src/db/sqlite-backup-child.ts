import { BAD_FILE_EXIT, BadDatabaseFile, backupDatabase } from './sqlite-backup.js'

/** The process backupInChildProcess runs: one backup of argv's source to its destination, its result as JSON. */
const [source, destination] = process.argv.slice(2)
backupDatabase(source!, destination!).then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err: unknown) => {
    process.stderr.write(err instanceof Error ? err.message : String(err))
    process.exitCode = err instanceof BadDatabaseFile ? BAD_FILE_EXIT : 1
  }
)
