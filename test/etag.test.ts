import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, problemOf, uniqueOrgId } from './support/app.js'

describeEachStore('ETag, If-None-Match and If-Match', (ctx) => {
  const get = (url: string, headers: Record<string, string> = {}) => ctx().request({ method: 'GET', url, headers })

  it('GET one and status send the same strong ETag, which changes with every write', async () => {
    const orgId = uniqueOrgId()
    const created = await createOrg(ctx(), orgId)
    const one = await get(`${BASE}/${orgId}`)
    const status = await get(`${BASE}/${orgId}/status`)
    expect(one.headers.etag).toMatch(/^"\d+"$/)
    expect(one.headers.etag).toBe(created.headers.etag)
    expect(status.headers.etag).toBe(one.headers.etag)
    const put = await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'new' } })
    expect(put.headers.etag).not.toBe(one.headers.etag)
    expect((await get(`${BASE}/${orgId}`)).headers.etag).toBe(put.headers.etag)
  })

  it('If-None-Match with the current ETag answers 304 without a body; a stale one answers 200', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const { etag } = (await get(`${BASE}/${orgId}`)).headers as { etag: string }
    for (const url of [`${BASE}/${orgId}`, `${BASE}/${orgId}/status`]) {
      const res = await get(url, { 'if-none-match': etag })
      expect(res.statusCode).toBe(304)
      expect(res.body).toBe('')
      expect(res.headers.etag).toBe(etag)
      expect((await get(url, { 'if-none-match': `W/${etag}` })).statusCode).toBe(304)
      expect((await get(url, { 'if-none-match': `"nope", ${etag}` })).statusCode).toBe(304)
    }
    await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } })
    const after = await get(`${BASE}/${orgId}/status`, { 'if-none-match': etag })
    expect(after.statusCode).toBe(200)
    expect(after.json().vipps_enabled).toBe(false)
  })

  it('PUT with the current If-Match succeeds; with a stale one it is a 412 and changes nothing', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const { etag } = (await get(`${BASE}/${orgId}`)).headers as { etag: string }
    const ok = await ctx().request({
      method: 'PUT',
      url: `${BASE}/${orgId}`,
      payload: { client_id: 'first' },
      headers: { 'if-match': etag }
    })
    expect(ok.statusCode).toBe(200)
    const stale = await ctx().request({
      method: 'PUT',
      url: `${BASE}/${orgId}`,
      payload: { client_id: 'second' },
      headers: { 'if-match': etag }
    })
    problemOf(stale, 412, 'precondition_failed')
    expect((await get(`${BASE}/${orgId}`)).json().client_id).toBe('first')
    const weak = await ctx().request({
      method: 'PUT',
      url: `${BASE}/${orgId}`,
      payload: { client_id: 'third' },
      headers: { 'if-match': `W/${ok.headers.etag}` }
    })
    problemOf(weak, 412, 'precondition_failed')
    const star = await ctx().request({
      method: 'PUT',
      url: `${BASE}/${orgId}`,
      payload: { client_id: 'fourth' },
      headers: { 'if-match': '*' }
    })
    expect(star.statusCode).toBe(200)
  })

  it('DELETE honours If-Match', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    problemOf(
      await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}`, headers: { 'if-match': '"999"' } }),
      412,
      'precondition_failed'
    )
    expect((await get(`${BASE}/${orgId}`)).statusCode).toBe(200)
    const { etag } = (await get(`${BASE}/${orgId}`)).headers as { etag: string }
    const res = await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}`, headers: { 'if-match': etag } })
    expect(res.statusCode).toBe(200)
  })

  it('of concurrent PUTs with the same If-Match exactly one wins; the others get 412', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const { etag } = (await get(`${BASE}/${orgId}`)).headers as { etag: string }
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ctx().request({
          method: 'PUT',
          url: `${BASE}/${orgId}`,
          payload: { client_id: `racer-${i}` },
          headers: { 'if-match': etag }
        })
      )
    )
    const winners = results.filter((r) => r.statusCode === 200)
    expect(winners).toHaveLength(1)
    for (const loser of results.filter((r) => r.statusCode !== 200)) problemOf(loser, 412, 'precondition_failed')
    const winnerId = winners[0]!.json().client_id
    expect((await get(`${BASE}/${orgId}`)).json().client_id).toBe(winnerId)
    const history = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
    expect(history.pagination.total).toBe(2)
  })

  it('the ETag of a re-created org differs from every earlier one', async () => {
    const orgId = uniqueOrgId()
    const first = await createOrg(ctx(), orgId)
    await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` })
    const second = await createOrg(ctx(), orgId)
    expect(second.headers.etag).not.toBe(first.headers.etag)
    problemOf(
      await ctx().request({
        method: 'PUT',
        url: `${BASE}/${orgId}`,
        payload: { vipps_enabled: false },
        headers: { 'if-match': String(first.headers.etag) }
      }),
      412,
      'precondition_failed'
    )
  })
})
