import { beforeAll, expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, fieldsOf, problemOf } from './support/app.js'

interface Item {
  org_id: string
  created_at: string
  vipps_enabled: boolean
  environment: string
}

describeEachStore('GET /api/v1/vipps-orgs', (ctx) => {
  const list = async (query = '') => {
    const res = await ctx().request({ method: 'GET', url: `${BASE}${query}` })
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { data: Item[]; pagination: { page: number; limit: number; total: number } }
  }

  // 25 live enabled orgs (15 production, 10 test), 3 disabled, 2 deleted.
  beforeAll(async () => {
    // Created a second apart, so created_at (not org_id) must decide their order.
    await createOrg(ctx(), 'org_zzz_first', { environment: 'production' })
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    await createOrg(ctx(), 'org_aaa_second', { environment: 'production' })
    for (let i = 0; i < 13; i++) await createOrg(ctx(), `org_prod_${String(i).padStart(2, '0')}`)
    for (let i = 0; i < 10; i++) await createOrg(ctx(), `org_test_${i}`, { environment: 'test' })
    for (let i = 0; i < 3; i++) await createOrg(ctx(), `org_off_${i}`, { vipps_enabled: false })
    for (let i = 0; i < 2; i++) {
      await createOrg(ctx(), `org_gone_${i}`)
      await ctx().request({ method: 'DELETE', url: `${BASE}/org_gone_${i}` })
    }
  })

  it('answers page 1 of 20 live enabled orgs with the real total, as in the seed', async () => {
    const body = await list()
    expect(Object.keys(body).sort()).toEqual(['data', 'pagination'])
    expect(body.pagination).toEqual({ page: 1, limit: 20, total: 25 })
    expect(body.data).toHaveLength(20)
    for (const item of body.data) {
      expect(Object.keys(item).sort()).toEqual(['client_id', 'created_at', 'environment', 'org_id', 'vipps_enabled'])
      expect(item.vipps_enabled).toBe(true)
    }
  })

  it('orders by created_at, then org_id', async () => {
    const { data } = await list('?limit=100')
    expect(data[0]!.org_id).toBe('org_zzz_first')
    expect(data[1]!.org_id).toBe('org_aaa_second')
    const sorted = [...data].sort((a, b) =>
      a.created_at === b.created_at ? (a.org_id < b.org_id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1
    )
    expect(data.map((o) => o.org_id)).toEqual(sorted.map((o) => o.org_id))
  })

  it('pages without overlap or gaps, and a page past the end is empty with the real total', async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => list(`?page=${page}&limit=10`)))
    expect(pages.map((p) => p.data.length)).toEqual([10, 10, 5])
    const ids = pages.flatMap((p) => p.data.map((o) => o.org_id))
    expect(new Set(ids).size).toBe(25)
    expect(ids).toEqual((await list('?limit=100')).data.map((o) => o.org_id))
    expect(await list('?page=99&limit=10')).toEqual({ data: [], pagination: { page: 99, limit: 10, total: 25 } })
  })

  it('limits: 1 and 100 are fine', async () => {
    expect((await list('?limit=1')).data).toHaveLength(1)
    expect((await list('?limit=100')).data).toHaveLength(25)
  })

  it('filters on environment and vipps_enabled', async () => {
    expect((await list('?environment=test')).pagination.total).toBe(10)
    expect((await list('?environment=production')).pagination.total).toBe(15)
    const off = await list('?vipps_enabled=false')
    expect(off.pagination.total).toBe(3)
    expect(off.data.every((o) => !o.vipps_enabled)).toBe(true)
    expect((await list('?vipps_enabled=any')).pagination.total).toBe(28)
    expect((await list('?vipps_enabled=true')).pagination.total).toBe(25)
    expect((await list('?vipps_enabled=any&environment=production')).pagination.total).toBe(18)
  })

  it.each([
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=1.5', 'page'],
    ['page=abc', 'page'],
    ['page=', 'page'],
    ['page=1&page=2', 'page'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['environment=staging', 'environment'],
    ['vipps_enabled=yes', 'vipps_enabled'],
    ['vipps_enabled=TRUE', 'vipps_enabled'],
    ['sort=org_id', 'sort']
  ])('answers 400 for ?%s', async (query, field) => {
    const res = await ctx().request({ method: 'GET', url: `${BASE}?${query}` })
    expect(fieldsOf(problemOf(res, 400, 'validation_failed'))).toEqual([field])
  })
})

describeEachStore('GET /api/v1/vipps-orgs on an empty store', (ctx) => {
  it('answers an empty page with total 0', async () => {
    const res = await ctx().request({ method: 'GET', url: BASE })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ data: [], pagination: { page: 1, limit: 20, total: 0 } })
  })
})
