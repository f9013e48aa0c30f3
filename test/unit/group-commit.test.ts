import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GroupCommitWriter } from '../../src/db/group-commit.js'
import { walSync } from '../../src/db/wal-sync.js'

interface Tables {
  items: { name: string }
}

/** The group commit on a real SQLite file: each write alone in its savepoint, all answered after one COMMIT. */
describe('GroupCommitWriter (SQLite)', () => {
  let file: string
  let db: Kysely<Tables>
  let writer: GroupCommitWriter<Tables>
  const names = async () => (await db.selectFrom('items').select('name').orderBy('name').execute()).map((r) => r.name)

  beforeEach(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'group-commit-')), 'test.db')
    const sqlite = new SQLite(file)
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = FULL')
    db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) })
    await sql`create table items (name text not null unique)`.execute(db)
    writer = new GroupCommitWriter(db)
  })
  afterEach(async () => {
    await writer.drain()
    await db.destroy()
  })

  it('writes that arrive together share one commit; one that fails after writing leaves nothing, the others are applied', async () => {
    const insert = (name: string) => writer.write((trx) => trx.insertInto('items').values({ name }).execute().then(() => name))
    const results = await Promise.allSettled([
      insert('a'),
      // Writes, then fails: its row is rolled back with its savepoint.
      writer.write(async (trx) => {
        await trx.insertInto('items').values({ name: 'half' }).execute()
        throw new Error('refused after writing')
      }),
      insert('b'),
      // A constraint violation (a duplicate of a row written earlier in the same transaction).
      insert('a'),
      insert('c')
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused after writing')
    expect(String((results[3] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/)
    expect(await names()).toEqual(['a', 'b', 'c'])
    expect(writer.stats()).toEqual({ commits: 1, writes: 5, largestCommit: 5 })
  })

  it('answers a write only once its commit is in the file: another connection sees it when the promise resolves', async () => {
    const other = new SQLite(file, { readonly: true })
    try {
      const seen: number[] = []
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          writer
            .write((trx) => trx.insertInto('items').values({ name: `n${i}` }).execute())
            .then(() => seen.push((other.prepare('select count(*) as n from items').get() as { n: number }).n))
        )
      )
      expect(seen).toEqual(Array(10).fill(10))
    } finally {
      other.close()
    }
  })

  it('writes that arrive while a commit is made wait for the next one, and the next one comes', async () => {
    const first = writer.write((trx) => trx.insertInto('items').values({ name: 'x' }).execute())
    await first
    const later = await Promise.all([1, 2, 3].map((i) => writer.write((trx) => trx.insertInto('items').values({ name: `y${i}` }).execute())))
    expect(later).toHaveLength(3)
    expect(await names()).toEqual(['x', 'y1', 'y2', 'y3'])
    expect(writer.stats().commits).toBe(2)
  })

  it('with syncCommitted: answers only after the sync, keeps the connection meanwhile, and commits other transactions with synchronous = FULL', async () => {
    await writer.drain()
    let finishSync: () => void = () => undefined
    const syncs: string[] = []
    const synced = new GroupCommitWriter(db, {
      syncCommitted: async () => {
        // What synchronous the COMMIT just ran with is set back already; the sync waits here.
        syncs.push('started')
        await new Promise<void>((resolve) => (finishSync = resolve))
        syncs.push('done')
      }
    })
    let answered = false
    const write = synced.write((trx) => trx.insertInto('items').values({ name: 'durable' }).execute()).then(() => (answered = true))
    while (syncs.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    // Committed, not yet synced: the write is not answered, and a read of this process waits.
    let read: string[] | undefined
    const reading = names().then((n) => (read = n))
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(answered).toBe(false)
    expect(read).toBeUndefined()
    finishSync()
    await write
    await reading
    expect(read).toEqual(['durable'])
    expect(syncs).toEqual(['started', 'done'])
    // Outside the group commit, the connection still syncs at every COMMIT.
    expect(await sql<{ synchronous: number }>`pragma synchronous`.execute(db).then((r) => r.rows[0]!.synchronous)).toBe(2)
  })

  it('with syncCommitted: a failed sync answers every write of the batch with its error', async () => {
    const failing = new GroupCommitWriter(db, { syncCommitted: () => Promise.reject(new Error('EIO: fdatasync failed')) })
    const results = await Promise.allSettled(['p', 'q'].map((name) => failing.write((trx) => trx.insertInto('items').values({ name }).execute())))
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/EIO/)
    expect(await sql<{ synchronous: number }>`pragma synchronous`.execute(db).then((r) => r.rows[0]!.synchronous)).toBe(2)
  })
})

describe('walSync', () => {
  it('syncs the -wal file of a database in WAL mode (and fails loudly when there is none)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wal-sync-'))
    const file = join(dir, 'w.db')
    const sqlite = new SQLite(file)
    try {
      sqlite.pragma('journal_mode = WAL')
      sqlite.exec('create table t (x); insert into t values (1)')
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(0)
      await expect(walSync(file)()).resolves.toBeUndefined()
      await expect(walSync(join(dir, 'missing.db'))()).rejects.toThrow(/ENOENT/)
    } finally {
      sqlite.close()
    }
  })
})
