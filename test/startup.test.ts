import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { Kysely, SqliteDialect } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { migrateToLatest } from '../src/db/migrate.js'
import { BASE, dropDatabase, newDatabaseUrl, storeNames, validBody, within } from './support/app.js'
import { type ServerProcess, spawnServer, waitReady } from './support/server-process.js'

const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-startup-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Seen {
  status: number
  headers: Headers
  body: any
}

async function ask(server: ServerProcess, method: string, path: string, body?: unknown): Promise<Seen> {
  const res = await fetch(`${server.base}${path}`, {
    method,
    signal: AbortSignal.timeout(5_000),
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined }
}

/** Until the process accepts connections (it should at once: it listens before it loads). */
async function firstAnswer(server: ServerProcess): Promise<Seen> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    try {
      return await ask(server, 'GET', '/readyz')
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  throw new Error(`never listened:\n${server.output()}`)
}

/**
 * The database step is held up by a lock another session holds (as a long migration, or a
 * database slow to answer, would hold it up): the server must listen meanwhile and say so.
 * (PostgreSQL: its driver waits without holding up the event loop; better-sqlite3 waits for a
 * lock inside the call, so on SQLite the loading is shown on a database of many orgs instead.)
 */
async function holdDatabase(databaseUrl: string): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  // Kysely's own table of executed migrations, made ahead of the server and locked: its first read waits.
  await client.query('create table kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)')
  await client.query('begin')
  await client.query('lock table kysely_migration in access exclusive mode')
  return async () => {
    await client.query('commit')
    await client.end()
  }
}

describe.runIf(storeNames().includes('postgres'))('start-up [postgres]', () => {
  it('listens at once: /healthz 200, /readyz 503 naming what is loading, other requests 503 with Retry-After; then serves', async () => {
    const databaseUrl = await newDatabaseUrl('postgres')
    const release = await holdDatabase(databaseUrl)
    let server: ServerProcess | undefined
    try {
      server = await spawnServer(
        { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', PG_STATEMENT_TIMEOUT_MS: '60000' },
        false
      )
      const readyz = await firstAnswer(server)
      expect(readyz.status).toBe(503)
      expect(readyz.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(readyz.headers.get('retry-after')).toBe('1')
      expect(readyz.body).toMatchObject({ status: 503, code: 'service_unavailable', instance: '/readyz' })
      expect(readyz.body.loading[0]).toMatch(/database/)
      expect(readyz.body.loading).toContain('the orgs (list index, caches)')
      expect(readyz.body.detail).toContain(readyz.body.loading[0])

      // While it loads: the process is alive, and every other request is told to come back, at once.
      expect((await ask(server, 'GET', '/healthz')).body).toEqual({ status: 'ok' })
      const asked = await Promise.all([
        ask(server, 'GET', `${BASE}/org_early`),
        ask(server, 'GET', `${BASE}/org_early/status`),
        ask(server, 'GET', BASE),
        ask(server, 'POST', BASE, validBody('org_early')),
        ask(server, 'PUT', `${BASE}/org_early`, { client_id: 'x' }),
        ask(server, 'DELETE', `${BASE}/org_early`),
        ask(server, 'GET', '/api/v1/events?wait=30'),
        ask(server, 'GET', '/metrics'),
        ask(server, 'GET', '/openapi.json'),
        ask(server, 'GET', '/console/'),
        ask(server, 'GET', '/no/such/path')
      ])
      for (const seen of asked) {
        expect(seen.status).toBe(503)
        expect(seen.headers.get('retry-after')).toBe('1')
        expect(seen.headers.get('x-request-id')).toBeTruthy()
        expect(seen.body.code).toBe('service_unavailable')
      }
      expect(server.child.exitCode).toBeNull()
    } finally {
      await release()
    }

    try {
      expect(await waitReady(server.base, '/readyz', server.exited), server.output()).toBe(true)
      expect((await ask(server, 'POST', BASE, validBody('org_after_start'))).status).toBe(201)
      expect((await ask(server, 'GET', `${BASE}/org_after_start`)).status).toBe(200)
      expect((await ask(server, 'GET', `${BASE}/org_early`)).status).toBe(404)
      await within(2_000, async () => /"msg":"ready: serving"/.test(server!.output()))
      const ready = JSON.parse(server.output().split('\n').find((line) => line.includes('ready: serving'))!)
      expect(ready.turnedAway).toBeGreaterThanOrEqual(12)
    } finally {
      server.child.kill('SIGTERM')
      expect((await server.exited).code).toBe(0)
      await dropDatabase(databaseUrl)
    }
  }, 60_000)
})

describe.runIf(storeNames().includes('sqlite'))('start-up [sqlite]', () => {
  it('accepts connections from the start; while it loads 60,000 orgs every answer is 503 naming what is loading, then 200', async () => {
    const file = join(dir, 'many.db')
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file) }) })
    await migrateToLatest(db)
    await db.destroy()
    const raw = new SQLite(file)
    raw.exec(`
      with recursive n(i) as (select 0 union all select i + 1 from n where i < 59999)
      insert into vipps_org_configs (org_id, client_id, client_secret_ref, redirect_uri, scopes, environment, vipps_enabled, version, created_at, updated_at)
      select printf('org_many_%05d', i), printf('client-%05d', i), 'vault://orgs/many', 'myapp://cb', '["openid"]', 'production', 1, 1,
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' from n`)
    raw.close()

    const server = await spawnServer({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'info' }, false)
    const answers: { status: number; loading?: string[] }[] = []
    try {
      const first = await firstAnswer(server)
      answers.push({ status: first.status, loading: first.body?.loading })
      // From the first answer on, the port never refuses, and every answer is "loading" or "ready".
      while (answers.at(-1)!.status !== 200) {
        const seen = await ask(server, 'GET', '/readyz')
        answers.push({ status: seen.status, loading: seen.body?.loading })
      }
      const loading = answers.filter((a) => a.status === 503)
      expect(answers.every((a) => a.status === 503 || a.status === 200)).toBe(true)
      expect(loading.length, JSON.stringify(answers)).toBeGreaterThan(0)
      for (const a of loading) expect(a.loading!.length).toBeGreaterThan(0)
      expect((await ask(server, 'GET', `${BASE}?vipps_enabled=any&limit=1`)).body.pagination.total).toBe(60_000)
    } finally {
      server.child.kill('SIGTERM')
      expect((await server.exited).code).toBe(0)
    }
  }, 60_000)
})
