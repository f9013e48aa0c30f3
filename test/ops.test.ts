import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore } from './support/app.js'

describeEachStore('operations: health, readiness, OpenAPI, docs, request ids', (ctx) => {
  it('GET /healthz answers ok', async () => {
    const res = await ctx().request({ method: 'GET', url: '/healthz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok' })
  })

  it('GET /readyz answers ready when the database answers', async () => {
    const res = await ctx().request({ method: 'GET', url: '/readyz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ready' })
  })

  it('GET /openapi.json is an OpenAPI 3.1 document of every endpoint, from the schemas', async () => {
    const res = await ctx().request({ method: 'GET', url: '/openapi.json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        BASE,
        `${BASE}:batchCreate`,
        `${BASE}/{org_id}`,
        `${BASE}/{org_id}/status`,
        `${BASE}/{org_id}/history`,
        '/api/v1/events',
        '/api/v1/me',
        '/api/v1/api-keys',
        '/api/v1/api-keys/{id}',
        '/api/v1/change-requests',
        '/api/v1/change-requests/{id}',
        '/api/v1/change-requests/{id}/approve',
        '/api/v1/change-requests/{id}/reject',
        '/api/v1/webhooks',
        '/api/v1/webhooks/{id}',
        '/api/v1/webhooks/{id}/rotate-secret',
        '/api/v1/webhooks/{id}/test',
        '/api/v1/webhooks/{id}/deliveries',
        '/healthz',
        '/readyz'
      ].sort()
    )
    expect(Object.keys(doc.paths[BASE]).sort()).toEqual(['get', 'post'])
    expect(Object.keys(doc.paths[`${BASE}/{org_id}`]).sort()).toEqual(['delete', 'get', 'put'])
    const create = doc.paths[BASE].post
    expect(create.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateOrgRequest' })
    expect(doc.components.schemas.CreateOrgRequest.required.sort()).toEqual(
      ['client_id', 'client_secret_ref', 'org_id', 'redirect_uri'].sort()
    )
    expect(create.responses['201']).toBeDefined()
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
  })

  it('GET /docs serves the documentation page', async () => {
    const res = await ctx().request({ method: 'GET', url: '/docs/' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/text\/html/)
  })

  it('every response carries a request id; a sane incoming X-Request-Id is kept', async () => {
    const own = await ctx().request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-abc.123' } })
    expect(own.headers['x-request-id']).toBe('trace-abc.123')
    const odd = await ctx().request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\nwith newline' } })
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('sends the security headers a JSON API needs', async () => {
    const res = await ctx().request({ method: 'GET', url: BASE })
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['x-frame-options']).toBe('DENY')
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
  })

  it('sends them and a request id on the cached hot reads, on 304s and on problems too', async () => {
    await createOrg(ctx(), 'org_headers')
    const status = await ctx().request({ method: 'GET', url: `${BASE}/org_headers/status` })
    const cached = await ctx().request({ method: 'GET', url: `${BASE}/org_headers/status` })
    const notModified = await ctx().request({
      method: 'GET',
      url: `${BASE}/org_headers`,
      headers: { 'if-none-match': String(status.headers.etag) }
    })
    const missing = await ctx().request({ method: 'GET', url: `${BASE}/org_nobody/status` })
    expect([status.statusCode, cached.statusCode, notModified.statusCode, missing.statusCode]).toEqual([200, 200, 304, 404])
    for (const res of [status, cached, notModified, missing]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['x-frame-options']).toBe('DENY')
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains')
      expect(res.headers['referrer-policy']).toBe('no-referrer')
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    }
  })
})
