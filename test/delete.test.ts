import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, problemOf, RFC3339_SECONDS, uniqueOrgId } from './support/app.js'

describeEachStore('DELETE /api/v1/vipps-orgs/:org_id', (ctx) => {
  it('soft-deletes and answers {org_id, deleted: true, deleted_at}', async () => {
    const orgId = uniqueOrgId('org_helseapp')
    await createOrg(ctx(), orgId)
    const res = await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(['deleted', 'deleted_at', 'org_id'])
    expect(body).toEqual({ org_id: orgId, deleted: true, deleted_at: expect.stringMatching(RFC3339_SECONDS) })
  })

  it('afterwards GET, PUT, status and a second DELETE answer 404; the list leaves it out', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` })
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` }), 404, 'not_found')
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status` }), 404, 'not_found')
    problemOf(
      await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } }),
      404,
      'not_found'
    )
    problemOf(await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` }), 404, 'not_found')
    const list = (await ctx().request({ method: 'GET', url: `${BASE}?vipps_enabled=any&limit=100` })).json()
    expect(list.data.map((o: { org_id: string }) => o.org_id)).not.toContain(orgId)
  })

  it('accepts Content-Type: application/json with no body', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const res = await ctx().request({
      method: 'DELETE',
      url: `${BASE}/${orgId}`,
      headers: { 'content-type': 'application/json' }
    })
    expect(res.statusCode).toBe(200)
  })

  it('of concurrent deletes of one org, exactly one succeeds', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const results = await Promise.all(
      Array.from({ length: 10 }, () => ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` }))
    )
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1)
    expect(results.filter((r) => r.statusCode === 404)).toHaveLength(9)
  })

  it('answers 404 for an unknown org', async () => {
    problemOf(await ctx().request({ method: 'DELETE', url: `${BASE}/org_never_was` }), 404, 'not_found')
  })
})
