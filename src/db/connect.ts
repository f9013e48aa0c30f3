import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import type { Tracer } from '@opentelemetry/api'
import { type Dialect as KyselyDialect, Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, sql } from 'kysely'
import pg from 'pg'
import type { Config } from '../config.js'
import { GroupCommitWriter, TransactionPerWrite, type Writer } from './group-commit.js'
import { tracedDialect } from './traced-dialect.js'
import { walSync } from './wal-sync.js'

export type Dialect = 'sqlite' | 'postgres'

/**
 * No tables: each feature names its own with `db.withTables<Its>()`, so this layer knows none
 * of them.
 */
export type Database = {}

export interface DatabaseHandle {
  db: Kysely<Database>
  dialect: Dialect
  /**
   * Where features make their writes: on SQLite the writes that arrive together share one
   * transaction and one fsync (group commit), each in its own savepoint; on PostgreSQL each is
   * its own transaction.
   */
  writer: Writer<Database>
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>
  /** The connection pool now (PostgreSQL); SQLite has one connection and no pool. */
  poolStats(): PoolStats | undefined
  /**
   * Whether a PostgreSQL backend process (a notification's sender, say) is one of this handle's
   * own connections; on SQLite always false.
   */
  isOwnBackend(processId: number): boolean
  close(): Promise<void>
}

export interface PoolStats {
  max: number
  total: number
  idle: number
  /** Queries waiting for a connection. */
  waiting: number
}

type Logger = { warn(obj: object, msg: string): void }

/** With a tracer (tracing on), every statement run inside a traced operation is a span (traced-dialect.ts). */
export function openDatabase(config: Config, log: Logger, tracer?: Tracer): DatabaseHandle {
  const file = sqliteFileOf(config.databaseUrl)
  const dialect = file === undefined ? 'postgres' : 'sqlite'
  const traced = (inner: KyselyDialect) => (tracer ? tracedDialect(inner, tracer, dialect) : inner)
  return file === undefined ? openPostgres(config.databaseUrl, config.pg, log, traced) : openSqlite(file, config.sqliteBusyTimeoutMs, traced)
}

/** The SQLite file a database URL names (`:memory:` for an in-memory one); undefined for PostgreSQL. */
export function sqliteFileOf(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined
  const path = databaseUrl.slice('sqlite:'.length)
  return path === '' ? ':memory:' : path
}

const SQLITE_CACHE_KIB = 4096

type Wrap = (dialect: KyselyDialect) => KyselyDialect

function openSqlite(file: string, busyTimeoutMs: number, wrap: Wrap = (d) => d): DatabaseHandle {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const sqlite = new SQLite(file)
  // WAL: readers never wait for the writer. synchronous=FULL: an acknowledged write survives
  // a power loss too, not only a crash of the process (the group commit syncs the WAL itself,
  // off the event loop, to the same effect: wal-sync.ts).
  const wal = sqlite.pragma('journal_mode = WAL', { simple: true }) === 'wal'
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`)
  // SQLite's page cache, in KiB: 4 MiB holds the interior pages of every index of 100,000 orgs and
  // the recently written leaves; the rest of the file is in the OS's page cache, a read away. The
  // driver's default (16 MiB) filled up during 100,000 creates and stayed in the process's RSS.
  sqlite.pragma(`cache_size = -${SQLITE_CACHE_KIB}`)
  const db = new Kysely<Database>({ dialect: wrap(new SqliteDialect({ database: withStatementCache(sqlite) })) })
  // The group commit's fsync runs off the event loop (wal-sync.ts); in memory there is no WAL.
  const writer = new GroupCommitWriter(db, wal ? { syncCommitted: walSync(file) } : {})
  const close = async () => {
    await writer.drain()
    await db.destroy()
  }
  return { db, dialect: 'sqlite', writer, ping: () => ping(db), poolStats: () => undefined, isOwnBackend: () => false, close }
}

/**
 * Kysely prepares every query it runs; the SQL it generates is parameterized, so the same few
 * strings come back again and again. Prepared once, reused (Kysely runs one query at a time).
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>()
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql)
      if (!statement) {
        if (statements.size >= 1_000) statements.clear()
        statement = sqlite.prepare(sql)
        statements.set(sql, statement)
      }
      return statement
    }
  }
}

function openPostgres(url: string, pgConfig: Config['pg'], log: Logger, wrap: Wrap = (d) => d): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: pgConfig.poolMax,
    connectionTimeoutMillis: pgConfig.connectTimeoutMs,
    statement_timeout: pgConfig.statementTimeoutMs,
    query_timeout: pgConfig.statementTimeoutMs + 1_000,
    idleTimeoutMillis: 30_000
  })
  // An idle client that loses its server emits here; without a listener the process would die.
  pool.on('error', (err) => log.warn({ err }, 'idle PostgreSQL connection lost'))
  // So does a checked-out client between two queries (pg-pool takes its listener off while it is
  // lent out): a server restart must not kill the process. Its query fails; on release the pool
  // drops it, as it is no longer queryable.
  pool.on('connect', (client) => client.on('error', (err) => log.warn({ err }, 'PostgreSQL connection lost while in use')))
  // The server's process id of each connection of the pool (a notification names its sender's).
  const backends = new Set<number>()
  const processIdOf = (client: pg.PoolClient) => (client as pg.PoolClient & { processID?: number }).processID
  pool.on('connect', (client) => {
    const processId = processIdOf(client)
    if (processId !== undefined) backends.add(processId)
  })
  pool.on('remove', (client) => {
    const processId = processIdOf(client)
    if (processId !== undefined) backends.delete(processId)
  })
  const db = new Kysely<Database>({ dialect: wrap(new PostgresDialect({ pool })) })
  const poolStats = () => ({ max: pgConfig.poolMax, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount })
  return {
    db,
    dialect: 'postgres',
    writer: new TransactionPerWrite(db),
    ping: () => ping(db),
    poolStats,
    isOwnBackend: (processId) => backends.has(processId),
    close: () => db.destroy()
  }
}

async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db)
}
