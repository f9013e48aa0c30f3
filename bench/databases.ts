/** Where the benchmarks' services keep their data: a new SQLite file or PostgreSQL database for each. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres } from '../test/support/postgres.js'

export interface BenchDatabases {
  /** The run's temporary directory (its SQLite files, wrk's scripts). */
  dir: string
  /** Which PostgreSQL the run used, for its results. */
  postgres: string
  /**
   * A new, empty database of the store ('sqlite' or 'postgres') for `use` (which stops the
   * services it starts on it), removed once `use` is done. PostgreSQL then writes out what it
   * left dirty (CHECKPOINT), so that work does not land in the next measurement. After a failure
   * it is left for close() (a service may still hold it).
   */
  withFresh<T>(store: string, use: (url: string) => Promise<T>): Promise<T>
  /** Stops the embedded PostgreSQL, if one was started, and removes the directory. */
  close(): Promise<void>
}

/**
 * The databases of one benchmark run: PostgreSQL on `BENCH_DATABASE_URL` (a new database each
 * time), else, when a store needs it, an embedded server with PostgreSQL's durable defaults.
 */
export async function benchDatabases(stores: string[], name: string): Promise<BenchDatabases> {
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined
  let adminUrl = process.env.BENCH_DATABASE_URL
  if (stores.includes('postgres') && !adminUrl) {
    embedded = await startEmbeddedPostgres({ durable: true })
    adminUrl = embedded.url
  }
  const dir = mkdtempSync(join(tmpdir(), `vipps-orgs-${name}-`))
  let count = 0
  const fresh = async (store: string): Promise<string> => {
    count++
    if (store === 'sqlite') return `sqlite:${join(dir, `${name}-${count}.db`)}`
    const database = `bench_${name}_${Date.now()}_${count}`
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    await client.query(`CREATE DATABASE ${database}`)
    await client.end()
    const url = new URL(adminUrl!)
    url.pathname = `/${database}`
    return url.toString()
  }
  const discard = async (url: string): Promise<void> => {
    if (url.startsWith('sqlite:')) {
      const file = url.slice('sqlite:'.length)
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
      return
    }
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    try {
      await client.query(`DROP DATABASE ${new URL(url).pathname.slice(1)}`)
      await client.query('CHECKPOINT')
    } finally {
      await client.end()
    }
  }
  return {
    dir,
    postgres: process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded (durable defaults)',
    async withFresh(store, use) {
      const url = await fresh(store)
      const result = await use(url)
      await discard(url)
      return result
    },
    async close() {
      await embedded?.destroy()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
