import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE, createOrg, dropDatabase, newDatabaseUrl, problemOf, startApp, storeNames, type TestApp, uniqueOrgId, validBody, within } from './support/app.js'

// Several instances on one database is a PostgreSQL deployment (SQLite serves one process).
describe.runIf(storeNames().includes('postgres'))('two instances on one PostgreSQL', () => {
  let a: TestApp
  let b: TestApp
  const delays: number[] = []

  beforeAll(async () => {
    const url = await newDatabaseUrl('postgres')
    // Started together: the migration lock makes one apply and the other wait.
    ;[a, b] = await Promise.all([startApp('postgres', {}, url), startApp('postgres', {}, url)])
  })
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
    if (a) await dropDatabase(a.databaseUrl)
    if (delays.length > 0) {
      const sorted = [...delays].sort((x, y) => x - y)
      console.log(
        `cross-instance invalidation over ${sorted.length} writes: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`
      )
    }
  })

  const status = (app: TestApp, orgId: string) => app.request({ method: 'GET', url: `${BASE}/${orgId}/status` })

  it('a write through one is seen through the other, whose cache was warm, within 1 s', async () => {
    const orgId = uniqueOrgId()
    await createOrg(a, orgId)
    expect((await status(b, orgId)).json().vipps_enabled).toBe(true) // warms b's cache
    expect((await status(b, orgId)).json().vipps_enabled).toBe(true)
    for (let i = 0; i < 10; i++) {
      const enabled = i % 2 === 1
      await a.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: enabled, client_id: `c${i}` } })
      delays.push(await within(1_000, async () => (await status(b, orgId)).json().client_id === `c${i}`))
      expect((await b.request({ method: 'GET', url: `${BASE}/${orgId}` })).json()).toMatchObject({
        vipps_enabled: enabled,
        client_id: `c${i}`
      })
    }
  })

  it('delete and re-create through one are seen through the other within 1 s', async () => {
    const orgId = uniqueOrgId()
    await createOrg(a, orgId)
    expect((await status(b, orgId)).statusCode).toBe(200)
    await a.request({ method: 'DELETE', url: `${BASE}/${orgId}` })
    delays.push(await within(1_000, async () => (await status(b, orgId)).statusCode === 404))
    problemOf(await b.request({ method: 'GET', url: `${BASE}/${orgId}` }), 404, 'not_found')
    await createOrg(a, orgId, { client_id: 'reborn' })
    delays.push(await within(1_000, async () => (await status(b, orgId)).json().client_id === 'reborn'))
  })

  it('a miss cached by one instance does not hide a create through the other', async () => {
    const orgId = uniqueOrgId()
    expect((await status(b, orgId)).statusCode).toBe(404)
    await createOrg(a, orgId)
    delays.push(await within(1_000, async () => (await status(b, orgId)).statusCode === 200))
  })

  it("a create and a delete through one show in the other's list and search within 1 s", async () => {
    const orgId = uniqueOrgId('listed')
    const found = async () => {
      const res = await b.request({ method: 'GET', url: `${BASE}?q=${orgId}&vipps_enabled=any` })
      return (res.json() as { pagination: { total: number } }).pagination.total
    }
    expect(await found()).toBe(0)
    await createOrg(a, orgId)
    delays.push(await within(1_000, async () => (await found()) === 1))
    await a.request({ method: 'DELETE', url: `${BASE}/${orgId}` })
    delays.push(await within(1_000, async () => (await found()) === 0))
  })

  it('an API key revoked through one is refused by the other within 1 s; a new one is taken within 1 s', async () => {
    // Each look from an address of its own: the refusals while waiting are bad credentials, and 20 would be the limit.
    let n = 0
    const me = (app: TestApp, key: string) =>
      app.request({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key}` }, remoteAddress: `10.9.${Math.floor(++n / 250)}.${(n % 250) + 1}` })
    const created = (await a.request({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'shared', role: 'editor' } })).json()
    const taken = await within(1_000, async () => (await me(b, created.key)).statusCode === 200)
    const orgId = uniqueOrgId()
    expect((await b.request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: { authorization: `Bearer ${created.key}` } })).statusCode).toBe(201)
    expect((await a.request({ method: 'DELETE', url: `/api/v1/api-keys/${created.id}` })).statusCode).toBe(200)
    const refused = await within(1_000, async () => (await me(b, created.key)).statusCode === 401)
    problemOf(await b.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false }, headers: { authorization: `Bearer ${created.key}` } }), 401, 'unauthorized')
    console.log(`API keys across instances: a new key taken after ${taken.toFixed(0)} ms, a revoked one refused after ${refused.toFixed(0)} ms`)
  })

  it('after its listener connection is killed, an instance reconnects and stays correct', async () => {
    const orgId = uniqueOrgId()
    await createOrg(a, orgId)
    expect((await status(b, orgId)).statusCode).toBe(200)
    const admin = new pg.Client({ connectionString: b.databaseUrl })
    await admin.connect()
    try {
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'`
      )
      expect(killed.rowCount).toBe(2) // one listener per instance
    } finally {
      await admin.end()
    }
    // Changes made while (or right after) the listener was down are not served stale.
    await a.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'during-outage' } })
    await within(1_000, async () => (await status(b, orgId)).json().client_id === 'during-outage')
    // And once it is back, invalidation works as before.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect((await status(b, orgId)).json().client_id).toBe('during-outage')
    await a.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'after-outage' } })
    await within(1_000, async () => (await status(b, orgId)).json().client_id === 'after-outage')
  })
})
