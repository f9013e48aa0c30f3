import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, fieldsOf, problemOf, RFC3339_SECONDS, uniqueOrgId } from './support/app.js'

describeEachStore('PUT /api/v1/vipps-orgs/:org_id', (ctx) => {
  const put = (orgId: string, payload: unknown, headers: Record<string, string> = {}) =>
    ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: payload as object, headers })
  const get = async (orgId: string) => (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).json()

  it('changes the fields sent and answers org_id, those fields and updated_at, as in the seed', async () => {
    const orgId = uniqueOrgId('org_helseapp')
    await createOrg(ctx(), orgId)
    const res = await put(orgId, { vipps_enabled: false, environment: 'test' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(['environment', 'org_id', 'updated_at', 'vipps_enabled'])
    expect(body).toEqual({
      org_id: orgId,
      vipps_enabled: false,
      environment: 'test',
      updated_at: expect.stringMatching(RFC3339_SECONDS)
    })
    const stored = await get(orgId)
    expect(stored).toMatchObject({
      vipps_enabled: false,
      environment: 'test',
      client_id: 'vipps-client-new001',
      scopes: ['openid', 'phoneNumber'],
      updated_at: body.updated_at
    })
  })

  it('changes every updatable field at once', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const change = {
      client_id: 'vipps-client-rotated',
      client_secret_ref: `vault://orgs/${orgId}/vipps_secret_v2`,
      redirect_uri: 'https://example.com/vipps/callback',
      scopes: ['openid', 'email'],
      vipps_enabled: false,
      environment: 'test'
    }
    const res = await put(orgId, change)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ org_id: orgId, ...change, updated_at: expect.stringMatching(RFC3339_SECONDS) })
    expect(await get(orgId)).toMatchObject(change)
  })

  it('answers 400 for an empty body, unknown fields, org_id or timestamps in the body', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    problemOf(await put(orgId, {}), 400, 'validation_failed')
    for (const field of ['org_id', 'created_at', 'updated_at', 'deleted_at', 'enabled', 'scope']) {
      const problem = problemOf(await put(orgId, { [field]: 'x', vipps_enabled: false }), 400, 'validation_failed')
      expect(fieldsOf(problem)).toEqual([field])
    }
    expect((await get(orgId)).vipps_enabled).toBe(true)
  })

  it('answers 400 naming every bad field, and changes nothing', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const before = await get(orgId)
    const res = await put(orgId, {
      client_id: '',
      client_secret_ref: 'plain-secret',
      scopes: ['email'],
      vipps_enabled: 'false',
      environment: 'dev'
    })
    const problem = problemOf(res, 400, 'validation_failed')
    expect(fieldsOf(problem)).toEqual(['client_id', 'client_secret_ref', 'environment', 'scopes', 'vipps_enabled'])
    expect(await get(orgId)).toEqual(before)
  })

  it('checks cross-field rules on the merged result', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId, { environment: 'test', redirect_uri: 'http://localhost:3000/cb' })
    const toProduction = await put(orgId, { environment: 'production' })
    expect(fieldsOf(problemOf(toProduction, 400, 'validation_failed'))).toEqual(['redirect_uri'])
    expect((await get(orgId)).environment).toBe('test')
    // Both at once is fine.
    const both = await put(orgId, { environment: 'production', redirect_uri: 'https://example.com/cb' })
    expect(both.statusCode).toBe(200)
    // And an http redirect on a production config is refused.
    const back = await put(orgId, { redirect_uri: 'http://127.0.0.1/cb' })
    expect(fieldsOf(problemOf(back, 400, 'validation_failed'))).toEqual(['redirect_uri'])
  })

  it('a PUT that changes nothing keeps updated_at', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const before = await get(orgId)
    const res = await put(orgId, { vipps_enabled: true, environment: 'production' })
    expect(res.statusCode).toBe(200)
    expect(res.json().updated_at).toBe(before.updated_at)
  })

  it('answers 404 for an unknown or deleted org', async () => {
    problemOf(await put('org_not_there', { vipps_enabled: false }), 404, 'not_found')
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` })
    problemOf(await put(orgId, { vipps_enabled: false }), 404, 'not_found')
  })

  it('concurrent updates of different fields are all kept (no lost update)', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const results = await Promise.all([
      put(orgId, { client_id: 'client-from-a' }),
      put(orgId, { vipps_enabled: false }),
      put(orgId, { scopes: ['openid', 'name'] }),
      put(orgId, { environment: 'test' })
    ])
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200])
    expect(await get(orgId)).toMatchObject({
      client_id: 'client-from-a',
      vipps_enabled: false,
      scopes: ['openid', 'name'],
      environment: 'test'
    })
  })
})
