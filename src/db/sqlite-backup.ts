import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import SQLite from 'better-sqlite3'

/** A file that cannot serve as the database: the message says what is wrong with it. */
export class BadDatabaseFile extends Error {
  override name = 'BadDatabaseFile'
}

export interface CheckedDatabase {
  bytes: number
  pages: number
  pageSize: number
  /** The migrations recorded in it. */
  migrations: string[]
}

export interface BackupResult extends CheckedDatabase {
  file: string
  /** When the copy began (its data is of a moment after this). */
  startedAt: Date
  durationMs: number
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1')
const HEADER_BYTES = 100
// better-sqlite3 caps a step's page count here: one step copies everything.
const ALL_PAGES = 0x7fffffff

/**
 * A consistent copy of a live SQLite database, by SQLite's online backup API, checked before it
 * counts: written beside `destination` under a temporary name, switched to a rollback journal
 * (one self-contained file), `PRAGMA integrity_check`ed, fsynced, then renamed into place. A
 * failed or interrupted backup leaves no file at `destination`.
 */
export async function backupDatabase(source: string, destination: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new BadDatabaseFile(`there is no database at ${source}`)
  const partial = `${destination}.partial-${randomBytes(4).toString('hex')}`
  const startedAt = new Date()
  const started = performance.now()
  const db = new SQLite(source, { fileMustExist: true, timeout: 5_000 })
  try {
    // One step copies every page under one read transaction: a snapshot, whatever the server
    // writes meanwhile (WAL: it is not blocked). In smaller steps the copy would start over each
    // time another connection wrote between two of them, and might never finish under load.
    await db.backup(partial, { progress: () => ALL_PAGES })
  } finally {
    db.close()
  }
  try {
    const checked = checkDatabaseCopy(partial)
    syncFile(partial)
    renameSync(partial, destination)
    syncFile(dirname(destination))
    return { ...checked, file: destination, startedAt, durationMs: performance.now() - started }
  } catch (err) {
    removeDatabaseFiles(partial)
    throw err
  }
}

/**
 * Checks that a file can serve as this service's database, and makes it one self-contained file
 * (rollback journal): so only ever on a copy. Refuses, with a message an operator can act on, a
 * file that is not an SQLite database, a truncated or corrupt one, one of another application,
 * and (given the migrations this release knows) one a newer release migrated.
 */
export function checkDatabaseCopy(file: string, knownMigrations?: readonly string[]): CheckedDatabase {
  const { bytes, pageSize } = checkHeader(file)
  let db: SQLite.Database
  try {
    db = new SQLite(file, { fileMustExist: true, timeout: 0 })
  } catch (err) {
    throw new BadDatabaseFile(`${file} cannot be opened as an SQLite database: ${(err as Error).message}`)
  }
  try {
    const checks = attempt(file, () => db.pragma('integrity_check') as { integrity_check: string }[])
    if (checks.length !== 1 || checks[0]!.integrity_check !== 'ok') {
      const found = checks.slice(0, 3).map((c) => c.integrity_check).join('; ')
      throw new BadDatabaseFile(`${file} is corrupt: PRAGMA integrity_check found ${checks.length} problem(s): ${found}`)
    }
    attempt(file, () => db.pragma('journal_mode = DELETE'))
    const hasMigrations = db.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get()
    if (!hasMigrations) throw new BadDatabaseFile(`${file} is an SQLite database, but not a vipps-orgs one (it has no kysely_migration table)`)
    const migrations = (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name)
    if (knownMigrations) {
      const newer = migrations.filter((name) => !knownMigrations.includes(name))
      if (newer.length > 0) {
        throw new BadDatabaseFile(
          `${file} was migrated by a newer release than this one (it has migrations ${newer.join(', ')} that this release does not know): ` +
            'restore it with that release or a later one'
        )
      }
    }
    const pages = Number(db.pragma('page_count', { simple: true }))
    return { bytes, pages, pageSize, migrations }
  } finally {
    db.close()
  }
}

/** The 100-byte header: SQLite's, and the file as long as it says. */
function checkHeader(file: string): { bytes: number; pageSize: number } {
  let bytes: number
  try {
    const stats = statSync(file)
    if (!stats.isFile()) throw new BadDatabaseFile(`${file} is not a file`)
    bytes = stats.size
  } catch (err) {
    if (err instanceof BadDatabaseFile) throw err
    throw new BadDatabaseFile(`${file} cannot be read: ${(err as Error).message}`)
  }
  const header = Buffer.alloc(HEADER_BYTES)
  const fd = openSync(file, 'r')
  let read: number
  try {
    read = readSync(fd, header, 0, HEADER_BYTES, 0)
  } finally {
    closeSync(fd)
  }
  if (read < MAGIC.length || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BadDatabaseFile(`${file} is not an SQLite database (it does not begin with SQLite's header)`)
  }
  if (read < HEADER_BYTES) throw new BadDatabaseFile(`${file} is truncated: ${bytes} bytes, shorter than SQLite's header`)
  const rawPageSize = header.readUInt16BE(16)
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw new BadDatabaseFile(`${file} is corrupt: its header names a page size of ${rawPageSize}`)
  // The page count in the header is valid when its change counter matches "version-valid-for".
  const pages = header.readUInt32BE(28)
  const counted = pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92)
  if (counted && bytes < pages * pageSize) {
    throw new BadDatabaseFile(`${file} is truncated: its header counts ${pages} pages of ${pageSize} bytes (${pages * pageSize} bytes), the file has ${bytes}`)
  }
  if (bytes % pageSize !== 0) throw new BadDatabaseFile(`${file} is truncated: ${bytes} bytes is not a whole number of ${pageSize}-byte pages`)
  return { bytes, pageSize }
}

function attempt<T>(file: string, run: () => T): T {
  try {
    return run()
  } catch (err) {
    const code = (err as { code?: string }).code ?? ''
    if (/^SQLITE_(CORRUPT|NOTADB|IOERR)/.test(code)) throw new BadDatabaseFile(`${file} is corrupt: ${(err as Error).message}`)
    throw err
  }
}

export function syncFile(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** A database file and the journal files SQLite may have left beside it. */
export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
}

/**
 * backupDatabase in a child process: the copy's single step and the integrity check read the
 * whole file, which must not hold up the server's event loop. (A worker thread would do, but
 * cannot load the TypeScript sources the tests and `npm run dev` run on Node 20.)
 */
export function backupInChildProcess(source: string, destination: string): { done: Promise<BackupResult>; stop(): void } {
  const self = fileURLToPath(import.meta.url)
  const ts = extname(self) === '.ts'
  const loader = ts && !process.execArgv.some((arg) => arg.includes('tsx')) ? ['--import', 'tsx'] : []
  const child = spawn(process.execPath, [...process.execArgv, ...loader, join(dirname(self), `sqlite-backup-child${extname(self)}`), source, destination], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const done = new Promise<BackupResult>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      if (code === 0) {
        const result = JSON.parse(out) as BackupResult
        resolve({ ...result, startedAt: new Date(result.startedAt) })
        return
      }
      const message = err.trim() || `the backup process ended with ${signal ?? `exit code ${code}`}`
      reject(code === BAD_FILE_EXIT ? new BadDatabaseFile(message) : new Error(message))
    })
  })
  return {
    done,
    stop() {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }
}

/** The child's exit code when the copy failed its check. */
export const BAD_FILE_EXIT = 3
