import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, inject } from 'vitest'
import { type AppOptions, buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openApiConformance } from './openapi-conformance.js'

export type StoreName = 'sqlite' | 'postgres'

const sqliteDir = mkdtempSync(join(tmpdir(), 'vipps-orgs-test-'))

export function storeNames(): StoreName[] {
  const wanted = (process.env.TEST_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim())
  return (['sqlite', 'postgres'] as const).filter((name) => wanted.includes(name))
}

/** A new, empty database of the given store: a fresh SQLite file, or a fresh PostgreSQL database. */
export async function newDatabaseUrl(store: StoreName): Promise<string> {
  if (store === 'sqlite') return `sqlite:${join(sqliteDir, `${randomUUID()}.db`)}`
  const admin = inject('postgresAdminUrl')
  if (!admin) throw new Error('no PostgreSQL for the tests: global setup did not provide one')
  const name = `t_${randomUUID().replace(/-/g, '')}`
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
  const url = new URL(admin)
  url.pathname = `/${name}`
  return url.toString()
}

/** Drops a database made by newDatabaseUrl (SQLite files go with the temp directory). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  if (!databaseUrl.startsWith('postgres')) return
  const url = new URL(databaseUrl)
  const name = url.pathname.slice(1)
  if (!/^t_[0-9a-f]{32}$/.test(name)) return
  url.pathname = '/postgres'
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } finally {
    await client.end()
  }
}

/**
 * Runs one statement straight on a test database (to look at what is stored, or to set up a state
 * the API cannot reach in a test's time, such as an endpoint failing for days). `?` placeholders.
 */
export async function queryDatabase<T = Record<string, unknown>>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new SQLite(databaseUrl.slice('sqlite:'.length))
    try {
      const statement = db.prepare(text)
      return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as T[]
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    let n = 0
    return (await client.query(text.replace(/\?/g, () => `$${++n}`), params)).rows as T[]
  } finally {
    await client.end()
  }
}

export interface TestApp {
  databaseUrl: string
  request(options: InjectOptions): Promise<LightMyRequestResponse>
  close(): Promise<void>
}

/**
 * The real app (real database, real schema, migrations applied), driven through `inject`.
 * Every response is held against the app's own OpenAPI document (a mismatch fails the test).
 */
export async function startApp(
  store: StoreName,
  env: Record<string, string> = {},
  databaseUrl?: string,
  options: AppOptions = { logger: false }
): Promise<TestApp> {
  const url = databaseUrl ?? (await newDatabaseUrl(store))
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env, DATABASE_URL: url })
  const app = await buildApp(config, options)
  const conforms = openApiConformance(app.swagger() as Parameters<typeof openApiConformance>[0])
  return {
    databaseUrl: url,
    async request(options) {
      const res = await app.inject(options)
      const { method = 'GET', url: requestUrl = '' } = options as { method?: string; url?: string }
      conforms({ method, url: requestUrl, statusCode: res.statusCode, headers: res.headers, body: res.body })
      return res
    },
    close: () => app.close()
  }
}

/**
 * One describe per store, each with its own app on its own fresh database.
 * `ctx()` gives the running app inside tests.
 */
export function describeEachStore(
  title: string,
  body: (ctx: () => TestApp, store: StoreName) => void,
  env: Record<string, string> = {}
): void {
  for (const store of storeNames()) {
    describe(`${title} [${store}]`, () => {
      let current: TestApp | undefined
      beforeAll(async () => {
        current = await startApp(store, env)
      })
      afterAll(async () => {
        await current?.close()
        if (current) await dropDatabase(current.databaseUrl)
      })
      body(() => {
        if (!current) throw new Error('app not started')
        return current
      }, store)
    })
  }
}

export const BASE = '/api/v1/vipps-orgs'

let counter = 0
/** An org_id no other test in this process uses. */
export function uniqueOrgId(prefix = 'org'): string {
  counter += 1
  return `${prefix}_${process.pid}_${counter}_${randomUUID().slice(0, 8)}`
}

export function validBody(orgId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    org_id: orgId,
    client_id: 'vipps-client-new001',
    client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
    redirect_uri: 'myapp://vipps-callback',
    scopes: ['openid', 'phoneNumber'],
    environment: 'production',
    ...overrides
  }
}

/** Creates an org through the API and returns the response. */
export async function createOrg(
  t: TestApp,
  orgId: string,
  overrides: Record<string, unknown> = {},
  headers: Record<string, string> = {}
): Promise<LightMyRequestResponse> {
  const res = await t.request({ method: 'POST', url: BASE, payload: validBody(orgId, overrides), headers })
  if (res.statusCode !== 201) throw new Error(`create ${orgId} failed: ${res.statusCode} ${res.body}`)
  return res
}

export const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

/** Asserts the response is an RFC 9457 problem and returns its body. */
export function problemOf(res: LightMyRequestResponse, status: number, code: string) {
  const body = res.json() as {
    type: string
    title: string
    status: number
    detail: string
    code: string
    errors?: { field: string; message: string }[]
  }
  if (res.statusCode !== status || body.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.statusCode} ${res.body}`)
  }
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(`problem content-type expected, got ${res.headers['content-type']}`)
  }
  for (const key of ['type', 'title', 'detail'] as const) {
    if (typeof body[key] !== 'string' || body[key] === '') throw new Error(`problem without ${key}: ${res.body}`)
  }
  if (body.status !== status) throw new Error(`problem status ${body.status} is not ${status}`)
  return body
}

export function fieldsOf(problem: { errors?: { field: string }[] }): string[] {
  return (problem.errors ?? []).map((e) => e.field).sort()
}

/** Polls `check` every `everyMs` until it passes; returns how long that took, or throws after `ms`. */
export async function within(ms: number, check: () => Promise<boolean>, everyMs = 2): Promise<number> {
  const start = performance.now()
  while (performance.now() - start < ms) {
    if (await check()) return performance.now() - start
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  throw new Error(`not seen within ${ms} ms`)
}
