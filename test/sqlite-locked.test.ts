import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE, createOrg, problemOf, startApp, type TestApp, uniqueOrgId, validBody } from './support/app.js'

// SQLite's way of being unavailable: another process holds the write lock (a backup, a
// migration tool, a stuck admin shell). Writes wait SQLITE_BUSY_TIMEOUT_MS, then answer 503.
// SQLite is embedded, so this runs whatever TEST_STORES says.
describe('SQLite write lock held by another process', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startApp('sqlite', { SQLITE_BUSY_TIMEOUT_MS: '300' })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers 503 for writes while the lock is held, serves reads, writes nothing, and recovers', async () => {
    const orgId = uniqueOrgId()
    await createOrg(t, orgId)
    const other = new SQLite(t.databaseUrl.slice('sqlite:'.length))
    other.exec('BEGIN EXCLUSIVE')
    try {
      const newOrg = uniqueOrgId()
      for (const send of [
        () => t.request({ method: 'POST', url: BASE, payload: validBody(newOrg) }),
        () => t.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } }),
        () => t.request({ method: 'DELETE', url: `${BASE}/${orgId}` })
      ]) {
        const started = Date.now()
        const res = await send()
        expect(Date.now() - started).toBeLessThan(3_000)
        problemOf(res, 503, 'service_unavailable')
      }
      // WAL: readers are not blocked by the writer.
      expect((await t.request({ method: 'GET', url: `${BASE}/${orgId}/status` })).statusCode).toBe(200)
      expect((await t.request({ method: 'GET', url: BASE })).statusCode).toBe(200)
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
    const put = await t.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } })
    expect(put.statusCode).toBe(200)
    const history = (await t.request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
    expect(history.data.map((e: { action: string }) => e.action)).toEqual(['create', 'update'])
  })
})
