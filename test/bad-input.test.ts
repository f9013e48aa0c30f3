import { expect, it } from 'vitest'
import { BASE, describeEachStore, problemOf, uniqueOrgId, validBody } from './support/app.js'

describeEachStore('bad input never causes a 500 or a write', (ctx) => {
  const post = (payload: string, headers: Record<string, string>) =>
    ctx().request({ method: 'POST', url: BASE, payload, headers })
  const exists = async (orgId: string) =>
    (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).statusCode === 200

  it('malformed JSON is a 400 malformed_json', async () => {
    for (const payload of ['{bad', '{"org_id": "x",}', '{"a":1}{"b":2}', '\u0000']) {
      problemOf(await post(payload, { 'content-type': 'application/json' }), 400, 'malformed_json')
    }
  })

  it('an empty body with Content-Type application/json is a 400', async () => {
    problemOf(await post('', { 'content-type': 'application/json' }), 400, 'malformed_json')
  })

  it('__proto__ and constructor keys are refused, not merged', async () => {
    const orgId = uniqueOrgId()
    const body = JSON.stringify(validBody(orgId)).replace('{', '{"__proto__":{"vipps_enabled":false},')
    const res = await post(body, { 'content-type': 'application/json' })
    expect(res.statusCode).toBe(400)
    problemOf(res, 400, res.json().code)
    expect(await exists(orgId)).toBe(false)
    const ctor = JSON.stringify(validBody(orgId)).replace('{', '{"constructor":{"prototype":{"x":1}},')
    expect((await post(ctor, { 'content-type': 'application/json' })).statusCode).toBe(400)
    expect(await exists(orgId)).toBe(false)
  })

  it('a wrong Content-Type is a 415', async () => {
    const orgId = uniqueOrgId()
    const json = JSON.stringify(validBody(orgId))
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data']) {
      problemOf(await post(json, { 'content-type': type }), 415, 'unsupported_media_type')
    }
    const put = await ctx().request({
      method: 'PUT',
      url: `${BASE}/${orgId}`,
      payload: '{"vipps_enabled":false}',
      headers: { 'content-type': 'text/plain' }
    })
    problemOf(put, 415, 'unsupported_media_type')
    expect(await exists(orgId)).toBe(false)
  })

  it('a body without Content-Type is refused', async () => {
    const res = await ctx().request({ method: 'POST', url: BASE, payload: JSON.stringify(validBody(uniqueOrgId())) })
    expect([400, 415]).toContain(res.statusCode)
    problemOf(res, res.statusCode, res.json().code)
  })

  it('a body over 16 KiB is a 413, one just under is judged on its fields', async () => {
    const orgId = uniqueOrgId()
    const big = JSON.stringify(validBody(orgId, { client_id: 'x'.repeat(17 * 1024) }))
    problemOf(await post(big, { 'content-type': 'application/json' }), 413, 'payload_too_large')
    const under = JSON.stringify(validBody(orgId, { client_id: 'x'.repeat(15 * 1024) }))
    problemOf(await post(under, { 'content-type': 'application/json' }), 400, 'validation_failed')
    expect(await exists(orgId)).toBe(false)
  })

  it('deeply nested and huge values are a 400', async () => {
    const nested = '['.repeat(5000) + ']'.repeat(5000)
    const res = await post(`{"org_id":"org_nested","client_id":${nested}}`, { 'content-type': 'application/json' })
    expect(res.statusCode).toBe(400)
    const many = JSON.stringify(validBody(uniqueOrgId(), { scopes: Array.from({ length: 1000 }, () => 'openid') }))
    problemOf(await post(many, { 'content-type': 'application/json' }), 400, 'validation_failed')
  })

  it('unicode that is not printable is refused in client_id; printable unicode is kept as sent', async () => {
    problemOf(
      await ctx().request({ method: 'POST', url: BASE, payload: validBody(uniqueOrgId(), { client_id: 'a\u200bb' }) }),
      400,
      'validation_failed'
    )
    const orgId = uniqueOrgId()
    const res = await ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId, { client_id: 'klinikk-øæå-🙂' }) })
    expect(res.statusCode).toBe(201)
    expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).json().client_id).toBe('klinikk-øæå-🙂')
  })

  it('text that is not Unicode (a lone surrogate escape) is malformed JSON, wherever it is', async () => {
    for (const payload of [
      JSON.stringify(validBody(uniqueOrgId())).replace('vipps-client-new001', 'x\\ud800y'),
      JSON.stringify(validBody(uniqueOrgId())).replace('"org_id"', '"\\udc00":1,"org_id"')
    ]) {
      problemOf(await post(payload, { 'content-type': 'application/json' }), 400, 'malformed_json')
    }
    const orgId = uniqueOrgId()
    const pair = JSON.stringify(validBody(orgId)).replace('vipps-client-new001', 'x\\ud83d\\ude42y')
    expect((await post(pair, { 'content-type': 'application/json' })).statusCode).toBe(201)
    expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).json().client_id).toBe('x🙂y')
  })

  it('unknown routes are a 404 problem', async () => {
    for (const url of ['/', '/api', '/api/v1/vipps-org', `${BASE}/org_x/unknown`, `${BASE}/a/b/c`]) {
      problemOf(await ctx().request({ method: 'GET', url }), 404, 'not_found')
    }
  })

  it('wrong methods on known paths are a 405 problem with Allow', async () => {
    const cases: [string, string, string][] = [
      ['PATCH', BASE, 'GET, HEAD, POST'],
      ['DELETE', BASE, 'GET, HEAD, POST'],
      ['PUT', BASE, 'GET, HEAD, POST'],
      ['PATCH', `${BASE}/org_x`, 'GET, HEAD, PUT, DELETE'],
      ['POST', `${BASE}/org_x`, 'GET, HEAD, PUT, DELETE'],
      ['POST', `${BASE}/org_x/status`, 'GET, HEAD'],
      ['DELETE', `${BASE}/org_x/status`, 'GET, HEAD']
    ]
    for (const [method, url, allow] of cases) {
      const res = await ctx().request({ method: method as 'GET', url })
      problemOf(res, 405, 'method_not_allowed')
      expect(res.headers.allow).toBe(allow)
    }
  })

  it('bad percent-encoding in the path is a 400 problem', async () => {
    const res = await ctx().request({ method: 'GET', url: `${BASE}/%E0%A4%A` })
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
    problemOf(res, res.statusCode, res.json().code)
  })
})
