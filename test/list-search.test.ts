import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { openDatabase, type DatabaseHandle } from '../src/db/connect.js'
import { KyselyOrgStore } from '../src/orgs/kysely-store.js'
import type { ListFilter } from '../src/orgs/store.js'
import { BASE, createOrg, describeEachStore, fieldsOf, problemOf } from './support/app.js'

interface Item {
  org_id: string
  client_id: string
  vipps_enabled: boolean
  environment: string
}

describeEachStore('GET /api/v1/vipps-orgs?q= (search)', (ctx) => {
  const list = async (query: string) => {
    const res = await ctx().request({ method: 'GET', url: `${BASE}?${query}` })
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { data: Item[]; pagination: { page: number; limit: number; total: number } }
  }
  /** The org_ids answered, checked to be in list order (that of the unfiltered list). */
  const ids = async (query: string) => {
    const found = (await list(query)).data.map((o) => o.org_id)
    const all = (await list('vipps_enabled=any&limit=100')).data.map((o) => o.org_id)
    expect(found).toEqual(all.filter((id) => found.includes(id)))
    return found.sort()
  }

  beforeAll(async () => {
    await createOrg(ctx(), 'klinikk_oslo', { client_id: 'c-oslo', environment: 'production' })
    await createOrg(ctx(), 'klinikk_bergen', { client_id: 'c-bergen', environment: 'test' })
    await createOrg(ctx(), 'klinikk_off', { client_id: 'c-off', vipps_enabled: false })
    await createOrg(ctx(), 'gym_sentrum', { client_id: 'KLINIKK-Partner-1' })
    await createOrg(ctx(), 'gym_nord', { client_id: 'partner-klinikk' })
    await createOrg(ctx(), 'ab_c1', { client_id: '%promo_1' })
    await createOrg(ctx(), 'abxc1', { client_id: 'xpromo' })
    await createOrg(ctx(), 'klinikk_gone', { client_id: 'c-gone' })
    await ctx().request({ method: 'DELETE', url: `${BASE}/klinikk_gone` })
  })

  it('matches org_id or client_id by prefix, A–Z as a–z, in list order', async () => {
    expect(await ids('q=klin')).toEqual(['gym_sentrum', 'klinikk_bergen', 'klinikk_oslo'])
    expect(await ids('q=KLINIKK-p')).toEqual(['gym_sentrum'])
    expect(await ids('q=gym_')).toEqual(['gym_nord', 'gym_sentrum'])
    expect(await ids('q=partner')).toEqual(['gym_nord'])
    expect(await ids('q=nothing')).toEqual([])
  })

  it('takes % and _ as plain characters', async () => {
    expect(await ids('q=%25')).toEqual(['ab_c1'])
    expect(await ids('q=ab_')).toEqual(['ab_c1'])
    expect(await ids('q=%25promo_')).toEqual(['ab_c1'])
    expect(await ids('q=a%25')).toEqual([])
  })

  it('combines with the other filters and with paging; the total counts every match', async () => {
    expect(await ids('q=klin&vipps_enabled=any')).toEqual(['gym_sentrum', 'klinikk_bergen', 'klinikk_off', 'klinikk_oslo'])
    expect(await ids('q=klin&vipps_enabled=false')).toEqual(['klinikk_off'])
    expect(await ids('q=klin&environment=test')).toEqual(['klinikk_bergen'])
    const page1 = await list('q=klin&vipps_enabled=any&limit=3&page=1')
    const page2 = await list('q=klin&vipps_enabled=any&limit=3&page=2')
    expect([...page1.data, ...page2.data].map((o) => o.org_id).sort()).toEqual(['gym_sentrum', 'klinikk_bergen', 'klinikk_off', 'klinikk_oslo'])
    expect(page2.data).toHaveLength(1)
    expect(page2.pagination).toEqual({ page: 2, limit: 3, total: 4 })
    expect(await list('q=klin&page=9')).toEqual({ data: [], pagination: { page: 9, limit: 20, total: 3 } })
  })

  it('follows writes: a changed client_id is found by its new value, a deleted org no more', async () => {
    await createOrg(ctx(), 'zz_moving', { client_id: 'old-value' })
    expect(await ids('q=old-')).toEqual(['zz_moving'])
    await ctx().request({ method: 'PUT', url: `${BASE}/zz_moving`, payload: { client_id: 'New-Value' } })
    expect(await ids('q=old-')).toEqual([])
    expect(await ids('q=new-v')).toEqual(['zz_moving'])
    await ctx().request({ method: 'DELETE', url: `${BASE}/zz_moving` })
    expect(await ids('q=new-v')).toEqual([])
  })

  it.each([['q='], [`q=${'a'.repeat(65)}`]])('answers 400 for ?%s', async (query) => {
    const res = await ctx().request({ method: 'GET', url: `${BASE}?${query}` })
    expect(fieldsOf(problemOf(res, 400, 'validation_failed'))).toEqual(['q'])
  })

  // Lists page in SQL while the in-memory index cannot answer (PostgreSQL listener lost):
  // the same answers from the database, through the indexes of migration 002.
  describe('paged in SQL', () => {
    let database: DatabaseHandle
    beforeAll(() => {
      database = openDatabase(loadConfig({ DATABASE_URL: ctx().databaseUrl }), { warn: () => undefined })
    })
    afterAll(async () => database?.close())

    it.each<[string, Partial<ListFilter>]>([
      ['q=klin', { q: 'klin', vipps_enabled: true }],
      ['q=KLINIKK-p', { q: 'KLINIKK-p', vipps_enabled: true }],
      ['q=%25', { q: '%', vipps_enabled: true }],
      ['q=ab_', { q: 'ab_', vipps_enabled: true }],
      ['q=klin&vipps_enabled=any&limit=3&page=2', { q: 'klin', offset: 3, limit: 3 }],
      ['q=klin&environment=test', { q: 'klin', environment: 'test', vipps_enabled: true }],
      ['vipps_enabled=any&limit=4&page=2', { offset: 4, limit: 4 }]
    ])('the SQL page of ?%s is the page the API answers', async (query, filter) => {
      const store = new KyselyOrgStore(database.db)
      const sqlPage = await store.list({ offset: 0, limit: 20, ...filter })
      const api = await list(query)
      expect(sqlPage.items).toEqual(api.data)
      expect(sqlPage.total).toBe(api.pagination.total)
    })
  })
})
