import { open } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Makes everything SQLite has appended to a database's write-ahead log durable: an fdatasync of
 * the `-wal` file, run on libuv's thread pool so the event loop goes on meanwhile. This is what
 * `synchronous = FULL` does at every COMMIT in WAL mode (SQLite then syncs the WAL before it
 * answers); the group commit (group-commit.ts) commits with `synchronous = NORMAL` and calls this
 * instead, before it answers any write of the batch.
 *
 * The file is opened by name for every sync, so a WAL that SQLite has replaced is never missed;
 * the first time a WAL file is seen (a new inode), its directory is synced too, as SQLite does
 * for a journal it creates.
 */
export function walSync(databaseFile: string): () => Promise<void> {
  const wal = `${databaseFile}-wal`
  let directorySyncedFor: number | undefined
  return async () => {
    const file = await open(wal, 'r')
    try {
      const { ino } = await file.stat()
      if (ino !== directorySyncedFor) {
        await syncDirectory(dirname(wal))
        directorySyncedFor = ino
      }
      await file.datasync()
    } finally {
      await file.close()
    }
  }
}

async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r')
  try {
    await directory.sync()
  } finally {
    await directory.close()
  }
}
