import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE, createOrg, problemOf, startApp, storeNames, type TestApp, uniqueOrgId, validBody, within } from './support/app.js'
import { type EmbeddedServer, startEmbeddedPostgres } from './support/postgres.js'

// Needs its own PostgreSQL server, to stop and start it.
describe.runIf(storeNames().includes('postgres'))('PostgreSQL goes down and comes back', () => {
  let pgServer: EmbeddedServer
  let t: TestApp

  beforeAll(async () => {
    pgServer = await startEmbeddedPostgres({ persistent: true })
    t = await startApp('postgres', { PG_CONNECT_TIMEOUT_MS: '1000' }, pgServer.url)
  })
  afterAll(async () => {
    await t?.close()
    await pgServer?.destroy()
  })

  it('answers 503 problems quickly while it is down, and recovers by itself', async () => {
    const orgId = uniqueOrgId()
    await createOrg(t, orgId)
    expect((await t.request({ method: 'GET', url: `${BASE}/${orgId}/status` })).statusCode).toBe(200)

    await pgServer.server.stop()

    const down = [
      () => t.request({ method: 'GET', url: BASE }),
      () => t.request({ method: 'POST', url: BASE, payload: validBody(uniqueOrgId()) }),
      () => t.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } }),
      () => t.request({ method: 'GET', url: `${BASE}/${orgId}/history` })
    ]
    for (const send of down) {
      const started = Date.now()
      const res = await send()
      expect(Date.now() - started).toBeLessThan(3_000)
      problemOf(res, 503, 'service_unavailable')
      expect(res.headers['retry-after']).toBeDefined()
    }
    // The cache is suspended once the listener notices: no stale reads while changes go unheard.
    await within(5_000, async () => (await t.request({ method: 'GET', url: `${BASE}/${orgId}/status` })).statusCode === 503, 100)
    problemOf(await t.request({ method: 'GET', url: '/readyz' }), 503, 'service_unavailable')
    expect((await t.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)

    await pgServer.server.start()

    await within(10_000, async () => (await t.request({ method: 'GET', url: '/readyz' })).statusCode === 200, 100)
    expect((await t.request({ method: 'GET', url: `${BASE}/${orgId}/status` })).json().vipps_enabled).toBe(true)
    const put = await t.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } })
    expect(put.statusCode).toBe(200)
    await within(5_000, async () => (await t.request({ method: 'GET', url: `${BASE}/${orgId}/status` })).json().vipps_enabled === false, 100)
    // Nothing half-written while it was down: one create, one update.
    const history = (await t.request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
    expect(history.data.map((e: { action: string }) => e.action)).toEqual(['create', 'update'])
  })
})
