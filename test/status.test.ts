import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, problemOf, uniqueOrgId } from './support/app.js'

describeEachStore('GET /api/v1/vipps-orgs/:org_id/status', (ctx) => {
  it('answers exactly org_id, vipps_enabled, client_id and environment', async () => {
    const orgId = uniqueOrgId('org_helseapp')
    await createOrg(ctx(), orgId, { client_id: 'vipps-client-abc123' })
    const res = await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      org_id: orgId,
      vipps_enabled: true,
      client_id: 'vipps-client-abc123',
      environment: 'production'
    })
  })

  it('answers 200 with vipps_enabled false for a disabled org', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId, { vipps_enabled: false, environment: 'test' })
    const res = await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ vipps_enabled: false, environment: 'test' })
  })

  it('follows every write at once: update, delete, re-create', async () => {
    const orgId = uniqueOrgId()
    const status = () => ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status` })
    problemOf(await status(), 404, 'not_found')
    await createOrg(ctx(), orgId)
    expect((await status()).json().vipps_enabled).toBe(true)
    await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false, client_id: 'c2' } })
    expect((await status()).json()).toMatchObject({ vipps_enabled: false, client_id: 'c2' })
    await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` })
    problemOf(await status(), 404, 'not_found')
    await createOrg(ctx(), orgId, { client_id: 'c3', environment: 'test' })
    expect((await status()).json()).toMatchObject({ vipps_enabled: true, client_id: 'c3', environment: 'test' })
  })

  it('answers 404 for an unknown org', async () => {
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/org_unknown_x/status` }), 404, 'not_found')
  })
})
