import { CompiledQuery, type Kysely, type Transaction } from 'kysely'

/** What the writer has done since the start, for the metrics. */
export interface WriterStats {
  /** Transactions committed (or tried: a failed COMMIT counts too). */
  commits: number
  /** Writes run in them, succeeded or failed alone. */
  writes: number
  /** The most writes one commit has carried. */
  largestCommit: number
}

/**
 * Runs a feature's write in a transaction and resolves once that transaction has committed
 * (durably: the database's `synchronous` setting decides what a commit waits for).
 */
export interface Writer<DB = {}> {
  /**
   * `work` runs in a transaction, inside its own savepoint: when it throws, what it wrote is
   * rolled back and the error is its caller's alone. Resolves after the COMMIT returned.
   */
  write<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T>
  /**
   * A write that is one statement: on PostgreSQL it runs as it is (a statement is its own
   * transaction: one round trip); on SQLite as `write` does.
   */
  writeStatement<T>(statement: (db: Kysely<DB>) => Promise<T>): Promise<T>
  stats(): WriterStats
  /** Resolves when every write handed over so far is answered (before the database closes). */
  drain(): Promise<void>
}

// Compiled once: run for every write.
const SAVEPOINT = CompiledQuery.raw('savepoint write')
const RELEASE = CompiledQuery.raw('release write')
const ROLLBACK_TO = CompiledQuery.raw('rollback to write')
// SQLite refuses to change `synchronous` inside a transaction: set around it.
const COMMIT_WITHOUT_SYNC = CompiledQuery.raw('pragma synchronous = NORMAL')
const COMMIT_WITH_SYNC = CompiledQuery.raw('pragma synchronous = FULL')

export interface GroupCommitOptions {
  /**
   * Makes what the last COMMIT wrote durable (on SQLite in WAL mode: an fdatasync of the `-wal`
   * file), off the event loop. Given, a batch commits with `synchronous = NORMAL` (SQLite appends
   * to the WAL without syncing it, so the COMMIT no longer holds the thread for the disk), then
   * this runs while the event loop goes on with the next requests, and only after it resolved is
   * any write of the batch answered. The connection stays held until then, so no statement of
   * this process (a read, the next batch) sees what is not yet durable. Every other transaction
   * on the connection keeps `synchronous = FULL`.
   */
  syncCommitted?: () => Promise<void>
}

/** The most writes one commit carries; the rest wait for the next one. */
const MAX_WRITES_PER_COMMIT = 256

interface Pending<DB, T> {
  work: (trx: Transaction<DB>) => Promise<T>
  resolve(value: T): void
  reject(err: unknown): void
}

/**
 * Group commit, for SQLite: one connection, one writer, and each COMMIT waits for an fsync. The writes that arrive while a commit is made (or in the same turn of the
 * event loop) share the next transaction and its one fsync, each inside its own SAVEPOINT, so a
 * conflict or a constraint violation in one rolls back only its own statements. Every write of a
 * batch is answered after the batch's COMMIT, never before; a failed COMMIT fails them all
 * (none of them is then applied). With `syncCommitted`, the fsync runs off the event loop.
 */
export class GroupCommitWriter<DB> implements Writer<DB> {
  private queue: Pending<DB, unknown>[] = []
  private running = false
  private scheduled = false
  private readonly counts: WriterStats = { commits: 0, writes: 0, largestCommit: 0 }
  private idle: Promise<void> = Promise.resolve()
  private becomeIdle: () => void = () => undefined

  constructor(
    private readonly db: Kysely<DB>,
    private readonly options: GroupCommitOptions = {}
  ) {}

  write<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    if (!this.running && !this.scheduled && this.queue.length === 0) this.idle = new Promise((resolve) => (this.becomeIdle = resolve))
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject } as Pending<DB, unknown>)
      this.schedule()
    })
  }

  writeStatement<T>(statement: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.write(statement)
  }

  stats(): WriterStats {
    return { ...this.counts }
  }

  drain(): Promise<void> {
    return this.idle
  }

  /**
   * The next batch starts in the event loop's check phase: after the poll phase has read (and
   * handed to their handlers) every request that arrived meanwhile, so they join it.
   */
  private schedule(): void {
    if (this.running || this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      void this.flush()
    })
  }

  private async flush(): Promise<void> {
    if (this.running || this.queue.length === 0) return
    this.running = true
    const batch = this.queue.splice(0, MAX_WRITES_PER_COMMIT)
    try {
      await this.commitBatch(batch)
    } finally {
      this.running = false
      if (this.queue.length > 0) this.schedule()
      else this.becomeIdle()
    }
  }

  private async commitBatch(batch: Pending<DB, unknown>[]): Promise<void> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = []
    const sync = this.options.syncCommitted
    try {
      // One connection held from BEGIN to durable: nothing else of this process runs a statement
      // between the COMMIT and its sync.
      await this.db.connection().execute(async (conn) => {
        if (sync) await conn.executeQuery(COMMIT_WITHOUT_SYNC)
        try {
          await conn.transaction().execute(async (trx) => {
            for (const pending of batch) {
              await trx.executeQuery(SAVEPOINT)
              try {
                const value = await pending.work(trx)
                await trx.executeQuery(RELEASE)
                outcomes.push({ ok: true, value })
              } catch (err) {
                await trx.executeQuery(ROLLBACK_TO)
                await trx.executeQuery(RELEASE)
                outcomes.push({ ok: false, err })
              }
            }
            this.counts.commits++
            this.counts.writes += batch.length
            this.counts.largestCommit = Math.max(this.counts.largestCommit, batch.length)
          })
        } finally {
          if (sync) await conn.executeQuery(COMMIT_WITH_SYNC)
        }
        if (sync) await sync()
      })
    } catch (err) {
      // BEGIN, the savepoint statements, the COMMIT or the sync failed (the disk, a lost file): no
      // write of the batch is answered as done (before the sync, none is known to be durable).
      for (const pending of batch) pending.reject(err)
      return
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) pending.resolve(outcome.value)
      else pending.reject(outcome.err)
    })
  }
}

/**
 * Each write its own transaction, run at once: for PostgreSQL, whose pool runs writes side by
 * side on their own connections (and whose server already flushes concurrent commits together).
 */
export class TransactionPerWrite<DB> implements Writer<DB> {
  private readonly counts: WriterStats = { commits: 0, writes: 0, largestCommit: 0 }

  constructor(private readonly db: Kysely<DB>) {}

  async write<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    this.counts.commits++
    this.counts.writes++
    this.counts.largestCommit = 1
    return this.db.transaction().execute(work)
  }

  async writeStatement<T>(statement: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    this.counts.commits++
    this.counts.writes++
    this.counts.largestCommit = 1
    return statement(this.db)
  }

  stats(): WriterStats {
    return { ...this.counts }
  }

  async drain(): Promise<void> {}
}
