import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'

/** Another process holds what was asked for: the message says who, and what to do. */
export class DatabaseInUse extends Error {
  override name = 'DatabaseInUse'
}

export interface HeldLock {
  release(): void
}

/** The lock file beside a database: `<file>.lock`. */
export function lockFileOf(file: string): string {
  return `${file}.lock`
}

/**
 * Takes the lock a server holds on its SQLite database for as long as it runs, and a restore
 * while it checks and swaps the file: an exclusive SQLite lock on `<file>.lock` (an empty
 * database; `BEGIN EXCLUSIVE` takes a POSIX advisory lock on it and nothing is ever written).
 * The operating system drops the lock when its process ends, however it ends, so a crash leaves
 * nothing to clean up. Throws DatabaseInUse at once when another process holds it.
 */
export function lockDatabase(file: string, by: 'server' | 'restore'): HeldLock {
  mkdirSync(dirname(file), { recursive: true })
  const lock = new SQLite(lockFileOf(file), { timeout: 0 })
  try {
    // No journal file: nothing is written.
    lock.pragma('journal_mode = MEMORY')
    lock.exec('BEGIN EXCLUSIVE')
  } catch (err) {
    lock.close()
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      const held = `${file} is in use: a vipps-orgs server or a restore holds its lock (${lockFileOf(file)})`
      throw new DatabaseInUse(
        by === 'server'
          ? `${held}; one process at a time serves a SQLite file (for several instances use PostgreSQL)`
          : `${held}; stop the server before restoring`
      )
    }
    throw err
  }
  return {
    release() {
      if (lock.open) lock.close()
    }
  }
}

/**
 * Opens the database only if no other connection has it open, whatever opened it (a server of
 * any release, `npm run backup`, an sqlite3 shell), and keeps every other out until it is closed:
 * in WAL mode each connection holds a shared lock on the database file while it is open, so an
 * exclusive lock (EXCLUSIVE locking mode keeps it after the transaction) is had only when there
 * is none. Throws DatabaseInUse otherwise.
 */
export function openAlone(file: string, wanted: string): SQLite.Database {
  const db = new SQLite(file, { timeout: 0, fileMustExist: true })
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE')
    db.exec('COMMIT')
    return db
  } catch (err) {
    db.close()
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DatabaseInUse(
        `${file} is open in another process (a server of an earlier release, npm run backup, an sqlite3 shell…): close it before ${wanted}`
      )
    }
    throw err
  }
}
