import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { BASE, dropDatabase, newDatabaseUrl, storeNames, uniqueOrgId, validBody } from './support/app.js'

/**
 * The cached hot reads are answered before Fastify routes them (src/http/fast-path.ts). `inject`
 * never reaches that path (it calls the router), so these tests go over real HTTP, and hold every
 * fast answer against the router's answer to the same request.
 */

interface Running {
  app: FastifyInstance
  base: string
  databaseUrl: string
}

async function start(databaseUrl: string, env: Record<string, string> = {}, logger: false | object = false): Promise<Running> {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...env, DATABASE_URL: databaseUrl })
  const app = await buildApp(config, { logger: logger as false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  return { app, base: `http://127.0.0.1:${port}`, databaseUrl }
}

interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

/** What may differ between two answers to the same request: when, on which connection, which request. */
const PER_REQUEST = new Set(['date', 'x-request-id', 'connection', 'keep-alive'])

async function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(base + path, { headers })
  const all: Record<string, string> = {}
  res.headers.forEach((value, name) => {
    all[name] = value
  })
  return { status: res.status, headers: all, body: await res.text() }
}

function comparable(answer: Answer) {
  return { ...answer, headers: Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !PER_REQUEST.has(name))) }
}

/** The same request answered by the router (inject never takes the fast path). */
async function routed(app: FastifyInstance, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await app.inject({ method: 'GET', url: path, headers })
  const all: Record<string, string> = {}
  for (const [name, value] of Object.entries(res.headers)) all[name] = String(value)
  return { status: res.statusCode, headers: all, body: res.body }
}

/**
 * Reads until the answer comes from the fast path: the first read loads the view, and on PostgreSQL
 * the write's own notification, when it comes back, may drop it from the cache once more.
 */
async function warm(s: Running, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const deadline = Date.now() + 5_000
  for (;;) {
    const before = s.app.fastPaths.answered
    const answer = await get(s.base, path, headers)
    if (s.app.fastPaths.answered > before) return answer
    if (Date.now() > deadline) throw new Error(`${path} was never answered fast`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function create(app: FastifyInstance, orgId: string): Promise<void> {
  const res = await app.inject({ method: 'POST', url: BASE, payload: validBody(orgId) })
  expect(res.statusCode).toBe(201)
}

for (const store of storeNames()) {
  describe(`fast answers for cached reads [${store}]`, () => {
    let s: Running
    beforeAll(async () => {
      s = await start(await newDatabaseUrl(store))
    })
    afterAll(async () => {
      await s.app.close()
      await dropDatabase(s.databaseUrl)
    })

    it('answers a cached status and config with the status, headers and body the router sends', async () => {
      const orgId = uniqueOrgId()
      await create(s.app, orgId)
      for (const path of [`${BASE}/${orgId}/status`, `${BASE}/${orgId}`]) {
        const first = await get(s.base, path) // loads the view: the router answers
        const fast = await warm(s, path)
        const router = await routed(s.app, path)
        expect(fast.status).toBe(200)
        expect(comparable(fast)).toEqual(comparable(router))
        expect(comparable(fast)).toEqual(comparable(first))
        expect(fast.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
        expect(fast.headers['content-length']).toBe(String(Buffer.byteLength(fast.body)))
      }
    })

    it('answers If-None-Match as the router does: 304 for the current tag (strong, weak or *), 200 for another', async () => {
      const orgId = uniqueOrgId()
      await create(s.app, orgId)
      const path = `${BASE}/${orgId}/status`
      const etag = (await warm(s, path)).headers.etag!
      for (const [ifNoneMatch, status] of [
        [etag, 304],
        [`W/${etag}`, 304],
        ['*', 304],
        [`"999", ${etag}`, 304],
        ['"999"', 200]
      ] as const) {
        const before = s.app.fastPaths.answered
        const fast = await get(s.base, path, { 'if-none-match': ifNoneMatch })
        expect(s.app.fastPaths.answered).toBe(before + 1)
        expect(fast.status).toBe(status)
        expect(comparable(fast)).toEqual(comparable(await routed(s.app, path, { 'if-none-match': ifNoneMatch })))
      }
    })

    it('keeps a sane X-Request-Id it is given and replaces any other', async () => {
      const orgId = uniqueOrgId()
      await create(s.app, orgId)
      const path = `${BASE}/${orgId}/status`
      await warm(s, path)
      const before = s.app.fastPaths.answered
      expect((await get(s.base, path, { 'x-request-id': 'trace-42.a:b' })).headers['x-request-id']).toBe('trace-42.a:b')
      expect((await get(s.base, path, { 'x-request-id': 'bad id with spaces' })).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
      expect(s.app.fastPaths.answered).toBe(before + 2)
    })

    it('never answers with a config older than the last write', async () => {
      const orgId = uniqueOrgId()
      await create(s.app, orgId)
      const path = `${BASE}/${orgId}`
      expect(JSON.parse((await get(s.base, path)).body).client_id).toBe('vipps-client-new001')
      for (let i = 1; i <= 3; i++) {
        const put = await fetch(s.base + path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: `vipps-client-${i}` }) })
        expect(put.status).toBe(200)
        const after = await get(s.base, path)
        expect(JSON.parse(after.body).client_id).toBe(`vipps-client-${i}`)
        expect(after.headers.etag).toBe(put.headers.get('etag'))
      }
      await fetch(s.base + path, { method: 'DELETE' })
      expect((await get(s.base, path)).status).toBe(404)
      expect((await get(s.base, `${path}/status`)).status).toBe(404)
    })

    it('leaves to the router what it cannot answer exactly: misses, odd paths, other methods', async () => {
      const orgId = uniqueOrgId()
      await create(s.app, orgId)
      await warm(s, `${BASE}/${orgId}`)
      const before = s.app.fastPaths.answered
      expect((await get(s.base, `${BASE}/no_such_org/status`)).status).toBe(404)
      expect((await get(s.base, `${BASE}/no_such_org/status`)).status).toBe(404) // a known miss too
      expect((await get(s.base, `${BASE}/${orgId}/status?x=1`)).status).toBe(200)
      expect((await get(s.base, `${BASE}/${orgId}/status/`)).status).toBe(200)
      expect((await get(s.base, `${BASE}/${orgId.replace('_', '%5F')}`)).status).toBe(200)
      expect((await get(s.base, `${BASE}/${orgId}/history`)).status).toBe(200)
      expect((await fetch(`${s.base}${BASE}/${orgId}/status`, { method: 'HEAD' })).status).toBe(200)
      expect((await get(s.base, `${BASE}?vipps_enabled=any`)).status).toBe(200)
      expect(s.app.fastPaths.answered).toBe(before)
    })
  })
}

describe('fast answers: when they are off, and what still holds', () => {
  const store = storeNames()[0]!
  const running: Running[] = []
  const startOwn = async (env: Record<string, string> = {}, logger: false | object = false) => {
    const r = await start(await newDatabaseUrl(store), env, logger)
    running.push(r)
    return r
  }
  afterAll(async () => {
    for (const r of running) {
      await r.app.close()
      await dropDatabase(r.databaseUrl)
    }
  })

  it('with AUTH_READS=true a read with a valid credential is answered fast; the others get their 401 from the routes', async () => {
    const s = await startOwn({ ADMIN_TOKENS: 'ops:0123456789abcdef0123', AUTH_READS: 'true' })
    const orgId = uniqueOrgId()
    const auth = { authorization: 'Bearer 0123456789abcdef0123' }
    expect((await s.app.inject({ method: 'POST', url: BASE, payload: validBody(orgId), headers: auth })).statusCode).toBe(201)
    const path = `${BASE}/${orgId}/status`
    const routed = await get(s.base, path, auth)
    expect(routed.status).toBe(200)
    const fast = await warm(s, path, auth)
    expect(fast.status).toBe(200)
    expect(fast.body).toBe(routed.body)
    const answered = s.app.fastPaths.answered
    expect((await get(s.base, path)).status).toBe(401)
    expect((await get(s.base, path, { authorization: 'Bearer wrong-token-000000000000' })).status).toBe(401)
    expect((await get(s.base, path, { authorization: 'Basic b3BzOm9wcw==' })).status).toBe(401)
    expect(s.app.fastPaths.answered).toBe(answered)
  })

  it('an API key limited to some orgs: its own cached org is answered fast, another cached org gets the routes’ 404 like an absent one', async () => {
    const s = await startOwn({ ADMIN_TOKENS: 'ops:0123456789abcdef0123', AUTH_READS: 'true' })
    const admin = { authorization: 'Bearer 0123456789abcdef0123' }
    const [mine, other] = [uniqueOrgId(), uniqueOrgId()]
    for (const orgId of [mine, other]) {
      expect((await s.app.inject({ method: 'POST', url: BASE, payload: validBody(orgId), headers: admin })).statusCode).toBe(201)
      expect((await get(s.base, `${BASE}/${orgId}/status`, admin)).status).toBe(200)
    }
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'app', role: 'viewer', org_ids: [mine] }, headers: admin })
    const key = { authorization: `Bearer ${created.json().key as string}` }
    // Answered fast once the cache holds it (on PostgreSQL a create's own notification may empty it once more).
    const deadline = Date.now() + 5_000
    let before = s.app.fastPaths.answered
    for (;;) {
      expect((await get(s.base, `${BASE}/${mine}/status`, key)).status).toBe(200)
      if (s.app.fastPaths.answered > before || Date.now() > deadline) break
      before = s.app.fastPaths.answered
    }
    expect(s.app.fastPaths.answered).toBe(before + 1)
    for (const orgId of [other]) expect((await get(s.base, `${BASE}/${orgId}/status`, admin)).status).toBe(200)
    before = s.app.fastPaths.answered
    const hidden = await get(s.base, `${BASE}/${other}/status`, key)
    const absent = await get(s.base, `${BASE}/${uniqueOrgId()}/status`, key)
    expect([hidden.status, absent.status]).toEqual([404, 404])
    expect(JSON.parse(hidden.body).code).toBe('not_found')
    expect((await get(s.base, `${BASE}/${other}`, key)).status).toBe(404)
    expect(s.app.fastPaths.answered).toBe(before)
  })

  it('with reads public, a cached read that presents a bad credential is still a 401', async () => {
    const s = await startOwn({ ADMIN_TOKENS: 'ops:0123456789abcdef0123' })
    const orgId = uniqueOrgId()
    expect((await s.app.inject({ method: 'POST', url: BASE, payload: validBody(orgId), headers: { authorization: 'Bearer 0123456789abcdef0123' } })).statusCode).toBe(201)
    const path = `${BASE}/${orgId}/status`
    expect((await warm(s, path)).status).toBe(200)
    const answered = s.app.fastPaths.answered
    const wrong = await get(s.base, path, { authorization: 'Bearer wrong-token-000000000000' })
    expect(wrong.status).toBe(401)
    expect(wrong.headers['www-authenticate']).toContain('invalid_token')
    expect((await get(s.base, `${BASE}/${orgId}`, { authorization: 'Bearer vok_nothing' })).status).toBe(401)
    expect(s.app.fastPaths.answered).toBe(answered)
  })

  it('while every request is logged (LOG_LEVEL=info), reads are routed and logged', async () => {
    const lines: string[] = []
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString())
        done()
      }
    })
    const s = await startOwn({}, { level: 'info', stream })
    const orgId = uniqueOrgId()
    await create(s.app, orgId)
    for (let i = 0; i < 3; i++) expect((await get(s.base, `${BASE}/${orgId}/status`)).status).toBe(200)
    expect(s.app.fastPaths.answered).toBe(0)
    expect(lines.filter((line) => line.includes('"request completed"') && line.includes('"statusCode":200')).length).toBeGreaterThanOrEqual(3)
  })

  it('a CORS request gets its CORS headers (from the router); others are answered fast', async () => {
    const s = await startOwn({ CORS_ORIGINS: 'https://admin.example.com' })
    const orgId = uniqueOrgId()
    await create(s.app, orgId)
    const path = `${BASE}/${orgId}/status`
    await warm(s, path)
    const before = s.app.fastPaths.answered
    const cors = await get(s.base, path, { origin: 'https://admin.example.com' })
    expect(cors.headers['access-control-allow-origin']).toBe('https://admin.example.com')
    expect(cors.headers['access-control-expose-headers']).toContain('ETag')
    expect(s.app.fastPaths.answered).toBe(before)
    await get(s.base, path)
    expect(s.app.fastPaths.answered).toBe(before + 1)
  })

  it('fast answers count in their route’s request-duration series, one series per route and status', async () => {
    const s = await startOwn()
    const orgId = uniqueOrgId()
    await create(s.app, orgId)
    const path = `${BASE}/${orgId}/status`
    await warm(s, path)
    const routed200 = s.app.fastPaths.answered // warm() answered once fast; the reads before it were routed
    const readsBefore = await (async () => {
      const text = (await get(s.base, '/metrics')).body
      const line = text.split('\n').find((l) => l.startsWith(`http_request_duration_seconds_count{route="${BASE}/:org_id/status",method="GET",status_code="200"}`))
      return Number(line?.split(' ')[1] ?? 0)
    })()
    expect(routed200).toBe(1)
    expect(readsBefore).toBeGreaterThanOrEqual(1) // the fast one (and any routed before it: the create left the config cached)
    for (let i = 0; i < 5; i++) await get(s.base, path)
    const etag = (await get(s.base, path)).headers.etag!
    await get(s.base, path, { 'if-none-match': etag })
    expect(s.app.fastPaths.answered).toBe(8)
    const metrics = (await get(s.base, '/metrics')).body
    const series = (status: number) =>
      metrics.split('\n').filter((line) => line.startsWith(`http_request_duration_seconds_count{route="${BASE}/:org_id/status",method="GET",status_code="${status}"}`))
    expect(series(200)).toHaveLength(1)
    expect(Number(series(200)[0]!.split(' ')[1])).toBe(readsBefore + 6)
    expect(series(304)).toHaveLength(1)
    expect(Number(series(304)[0]!.split(' ')[1])).toBe(1)
  })
})
