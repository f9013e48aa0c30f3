import { randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, linkSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import { BadDatabaseFile, type CheckedDatabase, checkDatabaseCopy, removeDatabaseFiles, syncFile } from './sqlite-backup.js'
import { lockDatabase, openAlone } from './sqlite-lock.js'

export interface RestoreResult {
  /** The live database, now the restored copy. */
  live: string
  /** Where the database it replaced is kept (absent when there was none). */
  kept?: string
  checked: CheckedDatabase
}

/**
 * Puts a backup in place of the live SQLite database, or refuses (BadDatabaseFile,
 * DatabaseInUse) with the live file untouched. The backup is copied beside the live file and
 * checked there (SQLite's header and length, `PRAGMA integrity_check`, a vipps-orgs schema no
 * newer than this release's); the server's lock (`<live>.lock`) is held throughout, so no server
 * starts meanwhile, and the live file must be open nowhere. The live database is made one
 * self-contained file (its WAL checkpointed into it) and kept as `<live>.before-restore-<time>`;
 * the copy is renamed over it, which swaps them atomically.
 */
export function restoreDatabase(backup: string, live: string, knownMigrations: readonly string[], now = new Date()): RestoreResult {
  const source = resolve(backup)
  const target = resolve(live)
  if (!existsSync(source)) throw new BadDatabaseFile(`there is no file at ${source}`)
  if (existsSync(target) && realpathSync(source) === realpathSync(target)) throw new BadDatabaseFile(`${source} is the live database itself`)
  if (existsSync(`${source}-wal`) && statSync(`${source}-wal`).size > 0) {
    throw new BadDatabaseFile(
      `${source} has a write-ahead log beside it (${source}-wal): it is a live database or a copy of one, not a backup; ` +
        'make a backup with npm run backup'
    )
  }
  mkdirSync(dirname(target), { recursive: true })
  const lock = lockDatabase(target, 'restore')
  const copy = `${target}.restoring-${randomBytes(4).toString('hex')}`
  try {
    copyFileSync(source, copy)
    const checked = checkDatabaseCopy(copy, knownMigrations)
    let kept: string | undefined
    if (existsSync(target)) {
      const lastEventId = settleLiveDatabase(target)
      continueEventIdsAfter(copy, lastEventId)
      kept = `${target}.before-restore-${now.toISOString().slice(0, 19).replace(/:/g, '-')}Z`
      keepBeside(target, kept)
    }
    syncFile(copy)
    renameSync(copy, target)
    syncFile(dirname(target))
    return { live: target, ...(kept ? { kept } : {}), checked }
  } finally {
    removeDatabaseFiles(copy)
    lock.release()
  }
}

/**
 * With every other connection kept out: the live database's WAL checkpointed into it and
 * removed (a -wal or -shm left beside the restored file would belong to the old one), and the
 * last change-log id it ever gave.
 */
function settleLiveDatabase(file: string): number {
  const db = openAlone(file, 'restoring')
  let lastEventId = 0
  try {
    const row = db.prepare(`select seq from sqlite_sequence where name = 'vipps_org_events'`).get() as { seq: number } | undefined
    lastEventId = row?.seq ?? 0
  } catch {
    // Not a vipps-orgs database (or an empty file): nothing to continue after.
  }
  try {
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.pragma('journal_mode = DELETE')
  } finally {
    db.close()
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
  return lastEventId
}

/**
 * Change-log ids the live database gave after the backup was taken are lost with those changes;
 * new events must not take them again: a follower or a webhook receiver that saw the lost ones
 * would take the new ones for events it has seen (their ids are the feed's cursors and the
 * webhook-id). So the restored database's ids continue after the live one's last.
 */
function continueEventIdsAfter(copy: string, lastEventId: number): void {
  if (lastEventId <= 0) return
  const db = new SQLite(copy, { fileMustExist: true })
  try {
    const raise = db.prepare(`update sqlite_sequence set seq = max(seq, ?) where name = 'vipps_org_events'`).run(lastEventId)
    if (raise.changes === 0) db.prepare(`insert into sqlite_sequence (name, seq) values ('vipps_org_events', ?)`).run(lastEventId)
  } finally {
    db.close()
  }
}

/** A second name for the live file (a hard link), or a copy where links are not possible. */
function keepBeside(file: string, kept: string): void {
  try {
    linkSync(file, kept)
  } catch {
    copyFileSync(file, kept)
  }
}
