import { beforeAll, expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, fieldsOf, problemOf } from './support/app.js'

interface Item {
  org_id: string
  environment: string
  vipps_enabled: boolean
}
interface List {
  data: Item[]
  pagination: { page: number; limit: number; total: number }
}

/** Export-safe paging: `after=<org_id>` walks the live orgs by org_id, those after the key. */
describeEachStore('GET /api/v1/vipps-orgs?after=<org_id>', (ctx) => {
  const list = async (query: string): Promise<List> => {
    const res = await ctx().request({ method: 'GET', url: `${BASE}?${query}` })
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as List
  }
  /** Every page by key, as an exporter walks them: from the empty key, then from each page's last org_id. */
  const walk = async (query: string, limit: number): Promise<string[]> => {
    const ids: string[] = []
    for (let after = ''; ; ) {
      const page = await list(`${query}&limit=${limit}&after=${after}`)
      ids.push(...page.data.map((o) => o.org_id))
      if (page.data.length < limit) return ids
      after = page.data.at(-1)!.org_id
    }
  }

  // Byte order puts "-" before digits before "_" before letters; a language collation would not.
  const live = ['key-b', 'key0a', 'key9z', 'key_a', 'key_b', 'keya', 'keyz-1', 'keyz_1']
  beforeAll(async () => {
    // Created in an order unlike the key order, the first a second before the others, so created_at
    // cannot pass for the key order.
    for (const [i, orgId] of [...live].reverse().entries()) {
      await createOrg(ctx(), orgId, { environment: orgId.includes('_') ? 'test' : 'production' })
      if (i === 0) await new Promise((resolve) => setTimeout(resolve, 1_100))
    }
    await createOrg(ctx(), 'key_off', { vipps_enabled: false })
    await createOrg(ctx(), 'key_gone')
    await ctx().request({ method: 'DELETE', url: `${BASE}/key_gone` })
  })

  it('orders by org_id, byte by byte, and pages without gaps or repeats', async () => {
    const sorted = [...live].sort()
    expect(sorted).toEqual(['key-b', 'key0a', 'key9z', 'key_a', 'key_b', 'keya', 'keyz-1', 'keyz_1'])
    for (const limit of [1, 3, 100]) expect(await walk('q=key', limit)).toEqual(sorted)
  })

  it('answers the orgs after the key, with page 1 and the total of those after it', async () => {
    // The empty key starts the walk: org_id order from the first, not the list's created_at order.
    expect((await list('q=key&after=&limit=2')).data.map((o) => o.org_id)).toEqual(['key-b', 'key0a'])
    expect((await list('q=key&limit=1')).data.map((o) => o.org_id)).toEqual(['keyz_1'])
    expect(await list('q=key&after=key9z&limit=2')).toEqual({
      data: [expect.objectContaining({ org_id: 'key_a' }), expect.objectContaining({ org_id: 'key_b' })],
      pagination: { page: 1, limit: 2, total: 5 }
    })
    // The key need not be an org that exists (deleted, or never there): the walk goes on after it.
    expect((await list('q=key&after=key_gone')).data.map((o) => o.org_id)).toEqual(['keya', 'keyz-1', 'keyz_1'])
    expect(await list('q=key&after=zzz')).toEqual({ data: [], pagination: { page: 1, limit: 20, total: 0 } })
  })

  it('combines with the filters', async () => {
    expect(await walk('q=key&environment=test', 2)).toEqual(['key_a', 'key_b', 'keyz_1'])
    expect(await walk('q=key&vipps_enabled=false', 2)).toEqual(['key_off'])
    expect(await walk('q=key&vipps_enabled=any', 2)).toEqual([...live, 'key_off'].sort())
    expect(await walk('q=key_', 2)).toEqual(['key_a', 'key_b'])
  })

  it('keeps to a grant limited to some orgs: the walk and its total hold only those', async () => {
    const created = await ctx().request({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'exporter', role: 'viewer', org_ids: ['key0a', 'key_b', 'keyz-1'] } })
    expect(created.statusCode, created.body).toBe(201)
    const authorization = `Bearer ${created.json().key as string}`
    const page = async (after: string) => {
      const res = await ctx().request({ method: 'GET', url: `${BASE}?q=key&limit=2&after=${after}`, headers: { authorization } })
      expect(res.statusCode, res.body).toBe(200)
      return res.json() as List
    }
    const first = await page('')
    expect([first.data.map((o) => o.org_id), first.pagination.total]).toEqual([['key0a', 'key_b'], 3])
    const second = await page('key_b')
    expect([second.data.map((o) => o.org_id), second.pagination.total]).toEqual([['keyz-1'], 1])
  })

  it('a key that is no org_id, or a page with it, is a 400 naming the parameter', async () => {
    for (const after of ['KEY', 'ab', '-key', 'x'.repeat(65), 'key%20a']) {
      const res = await ctx().request({ method: 'GET', url: `${BASE}?after=${after}` })
      expect(fieldsOf(problemOf(res, 400, 'validation_failed'))).toEqual(['after'])
    }
    for (const page of ['1', '2']) {
      const res = await ctx().request({ method: 'GET', url: `${BASE}?after=key_a&page=${page}` })
      expect(problemOf(res, 400, 'validation_failed').errors).toEqual([{ field: 'page', message: expect.stringContaining('after') }])
    }
  })
})
