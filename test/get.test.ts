import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, problemOf, RFC3339_SECONDS, uniqueOrgId } from './support/app.js'

describeEachStore('GET /api/v1/vipps-orgs/:org_id', (ctx) => {
  it('answers every field of the seed example and nothing else', async () => {
    const orgId = uniqueOrgId('org_helseapp')
    await createOrg(ctx(), orgId, { scopes: ['openid', 'phoneNumber', 'name'] })
    const res = await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(
      [
        'org_id',
        'client_id',
        'client_secret_ref',
        'redirect_uri',
        'scopes',
        'vipps_enabled',
        'environment',
        'created_at',
        'updated_at'
      ].sort()
    )
    expect(body).toEqual({
      org_id: orgId,
      client_id: 'vipps-client-new001',
      client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
      redirect_uri: 'myapp://vipps-callback',
      scopes: ['openid', 'phoneNumber', 'name'],
      vipps_enabled: true,
      environment: 'production',
      created_at: expect.stringMatching(RFC3339_SECONDS),
      updated_at: expect.stringMatching(RFC3339_SECONDS)
    })
  })

  it('answers a disabled config too', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId, { vipps_enabled: false })
    const res = await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })
    expect(res.statusCode).toBe(200)
    expect(res.json().vipps_enabled).toBe(false)
  })

  it('answers 404 not_found for an unknown org_id, and for one that could never exist', async () => {
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/org_nobody_here` }), 404, 'not_found')
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/NOT%20VALID` }), 404, 'not_found')
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${'a'.repeat(65)}` }), 404, 'not_found')
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${'a'.repeat(300)}` }), 414, 'uri_too_long')
  })

  it('caps the instance of a problem: a 300-character path is not echoed back whole', async () => {
    const path = `${BASE}/${'a'.repeat(300)}`
    const res = await ctx().request({ method: 'GET', url: path })
    const { instance } = problemOf(res, 414, 'uri_too_long') as { instance?: string }
    expect(instance).toBe(`${path.slice(0, 200)}…`)
  })

  it('answers 404 after a delete', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` })
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` }), 404, 'not_found')
  })

  it('answers HEAD like GET without a body', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const res = await ctx().request({ method: 'HEAD', url: `${BASE}/${orgId}` })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe('')
  })
})
