import { expect, it } from 'vitest'
import {
  BASE,
  createOrg,
  describeEachStore,
  fieldsOf,
  problemOf,
  RFC3339_SECONDS,
  uniqueOrgId,
  validBody
} from './support/app.js'

describeEachStore('POST /api/v1/vipps-orgs', (ctx) => {
  it('creates a config and answers 201 with exactly the five fields of the seed and a Location', async () => {
    const orgId = uniqueOrgId('org_ny_klinikk')
    const res = await ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId) })
    expect(res.statusCode).toBe(201)
    expect(res.headers.location).toBe(`${BASE}/${orgId}`)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(['client_id', 'created_at', 'environment', 'org_id', 'vipps_enabled'])
    expect(body).toMatchObject({
      org_id: orgId,
      client_id: 'vipps-client-new001',
      vipps_enabled: true,
      environment: 'production'
    })
    expect(body.created_at).toMatch(RFC3339_SECONDS)

    const stored = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).json()
    expect(stored).toMatchObject({
      client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
      redirect_uri: 'myapp://vipps-callback',
      scopes: ['openid', 'phoneNumber'],
      created_at: body.created_at,
      updated_at: body.created_at
    })
  })

  it('applies the defaults: scopes ["openid"], environment test, vipps_enabled true', async () => {
    const orgId = uniqueOrgId()
    const { scopes, environment, ...required } = validBody(orgId)
    const res = await ctx().request({ method: 'POST', url: BASE, payload: required })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ environment: 'test', vipps_enabled: true })
    const stored = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).json()
    expect(stored.scopes).toEqual(['openid'])
  })

  it('accepts vipps_enabled false on create', async () => {
    const orgId = uniqueOrgId()
    const res = await ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId, { vipps_enabled: false }) })
    expect(res.statusCode).toBe(201)
    expect(res.json().vipps_enabled).toBe(false)
  })

  it('accepts every Vipps Login scope, https and loopback http redirect URIs in test', async () => {
    const all = ['openid', 'name', 'email', 'address', 'phoneNumber', 'birthDate', 'nin', 'delegatedConsents']
    for (const redirect_uri of [
      'https://example.com/callback?x=1',
      'http://localhost:3000/cb',
      'http://127.0.0.1/cb',
      'http://[::1]:8080/cb',
      'no.helseapp.ios://login'
    ]) {
      const res = await ctx().request({
        method: 'POST',
        url: BASE,
        payload: validBody(uniqueOrgId(), { scopes: all, redirect_uri, environment: 'test' })
      })
      expect(res.statusCode, `${redirect_uri}: ${res.body}`).toBe(201)
    }
  })

  it('answers 400 naming every missing required field', async () => {
    const res = await ctx().request({ method: 'POST', url: BASE, payload: {} })
    const problem = problemOf(res, 400, 'validation_failed')
    expect(fieldsOf(problem)).toEqual(['client_id', 'client_secret_ref', 'org_id', 'redirect_uri'])
  })

  it('answers 400 naming every bad field at once, and writes nothing', async () => {
    const res = await ctx().request({
      method: 'POST',
      url: BASE,
      payload: {
        org_id: 'Bad Org',
        client_id: 'has space',
        client_secret_ref: 'hunter2-the-real-secret',
        redirect_uri: 'ftp://files.example.com',
        scopes: ['openid', 'openid'],
        environment: 'prod',
        vipps_enabled: 'yes',
        scope: ['openid']
      }
    })
    const problem = problemOf(res, 400, 'validation_failed')
    expect(new Set(fieldsOf(problem))).toEqual(
      new Set([
        'org_id',
        'client_id',
        'client_secret_ref',
        'redirect_uri',
        'scopes',
        'environment',
        'vipps_enabled',
        'scope'
      ])
    )
    expect(res.body).not.toContain('hunter2')
    const list = (await ctx().request({ method: 'GET', url: `${BASE}?vipps_enabled=any&limit=100` })).json()
    expect(list.data.map((o: { org_id: string }) => o.org_id)).not.toContain('Bad Org')
  })

  it.each([
    ['org_id too short', { org_id: 'ab' }, 'org_id'],
    ['org_id too long', { org_id: 'a'.repeat(65) }, 'org_id'],
    ['org_id upper case', { org_id: 'Org_abc' }, 'org_id'],
    ['org_id ending in _', { org_id: 'org_abc_' }, 'org_id'],
    ['org_id starting with -', { org_id: '-org' }, 'org_id'],
    ['org_id not a string', { org_id: 123 }, 'org_id'],
    ['client_id empty', { client_id: '' }, 'client_id'],
    ['client_id too long', { client_id: 'x'.repeat(256) }, 'client_id'],
    ['client_id with a tab', { client_id: 'a\tb' }, 'client_id'],
    ['client_secret_ref a raw secret', { client_secret_ref: 'c2VjcmV0LXZhbHVl' }, 'client_secret_ref'],
    ['client_secret_ref other scheme', { client_secret_ref: 'aws://secret' }, 'client_secret_ref'],
    ['client_secret_ref empty path', { client_secret_ref: 'vault://' }, 'client_secret_ref'],
    ['client_secret_ref empty segment', { client_secret_ref: 'vault://a//b' }, 'client_secret_ref'],
    ['client_secret_ref trailing slash', { client_secret_ref: 'vault://a/b/' }, 'client_secret_ref'],
    ['client_secret_ref too long', { client_secret_ref: `vault://${'a'.repeat(505)}` }, 'client_secret_ref'],
    ['redirect_uri relative', { redirect_uri: '/callback' }, 'redirect_uri'],
    ['redirect_uri with fragment', { redirect_uri: 'https://example.com/cb#x' }, 'redirect_uri'],
    ['redirect_uri plain http host', { redirect_uri: 'http://example.com/cb', environment: 'test' }, 'redirect_uri'],
    ['redirect_uri app scheme without path', { redirect_uri: 'myapp://' }, 'redirect_uri'],
    ['redirect_uri javascript', { redirect_uri: 'javascript://alert(1)' }, 'redirect_uri'],
    ['redirect_uri https without host', { redirect_uri: 'https:///cb' }, 'redirect_uri'],
    ['redirect_uri too long', { redirect_uri: `https://example.com/${'a'.repeat(2030)}` }, 'redirect_uri'],
    ['redirect_uri with whitespace', { redirect_uri: 'https://example.com/a b' }, 'redirect_uri'],
    ['http localhost in production', { redirect_uri: 'http://localhost/cb', environment: 'production' }, 'redirect_uri'],
    ['scopes empty', { scopes: [] }, 'scopes'],
    ['scopes without openid', { scopes: ['name'] }, 'scopes'],
    ['scopes unknown', { scopes: ['openid', 'profile'] }, 'scopes'],
    ['scopes wrong case', { scopes: ['openid', 'PhoneNumber'] }, 'scopes'],
    ['scopes repeated', { scopes: ['openid', 'openid'] }, 'scopes'],
    ['scopes not an array', { scopes: 'openid' }, 'scopes'],
    ['environment unknown', { environment: 'staging' }, 'environment'],
    ['vipps_enabled a string', { vipps_enabled: 'true' }, 'vipps_enabled'],
    ['vipps_enabled a number', { vipps_enabled: 1 }, 'vipps_enabled'],
    ['vipps_enabled null', { vipps_enabled: null }, 'vipps_enabled'],
    ['unknown field (typo)', { scope: ['openid'] }, 'scope'],
    ['server field created_at', { created_at: '2026-01-01T00:00:00Z' }, 'created_at']
  ])('answers 400 for %s', async (_name, overrides, field) => {
    const orgId = uniqueOrgId()
    const res = await ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId, overrides) })
    const problem = problemOf(res, 400, 'validation_failed')
    expect(fieldsOf(problem)).toEqual([field])
    for (const error of problem.errors ?? []) expect(error.message).not.toBe('')
    const get = await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })
    expect(get.statusCode).toBe(404)
  })

  it('answers 400 when the body is not a JSON object', async () => {
    for (const payload of ['[]', '"org"', '42', 'null']) {
      const res = await ctx().request({
        method: 'POST',
        url: BASE,
        payload,
        headers: { 'content-type': 'application/json' }
      })
      problemOf(res, 400, 'validation_failed')
    }
  })

  it('answers 409 already_exists for a live org_id, and keeps the first config', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const res = await ctx().request({
      method: 'POST',
      url: BASE,
      payload: validBody(orgId, { client_id: 'someone-else' })
    })
    problemOf(res, 409, 'already_exists')
    const stored = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).json()
    expect(stored.client_id).toBe('vipps-client-new001')
  })

  it('of 20 concurrent creates of one org_id, exactly one gets 201 and the rest 409', async () => {
    const orgId = uniqueOrgId()
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId, { client_id: `client-${i}` }) })
      )
    )
    const codes = results.map((r) => r.statusCode).sort()
    expect(codes.filter((c) => c === 201)).toHaveLength(1)
    expect(codes.filter((c) => c === 409)).toHaveLength(19)
    const winner = results.find((r) => r.statusCode === 201)!.json()
    const stored = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).json()
    expect(stored.client_id).toBe(winner.client_id)
  })

  it('can create the same org_id again after a delete', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    expect((await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` })).statusCode).toBe(200)
    const again = await ctx().request({
      method: 'POST',
      url: BASE,
      payload: validBody(orgId, { client_id: 'second-life', environment: 'test' })
    })
    expect(again.statusCode).toBe(201)
    const stored = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).json()
    expect(stored).toMatchObject({ client_id: 'second-life', environment: 'test' })
  })
})
