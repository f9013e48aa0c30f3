import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, problemOf, uniqueOrgId, validBody } from './support/app.js'

describeEachStore(
  'write rate limit',
  (ctx) => {
    it('answers 429 rate_limited past the limit, and reads are not limited', async () => {
      const codes: number[] = []
      for (let i = 0; i < 5; i++) {
        const res = await ctx().request({ method: 'POST', url: BASE, payload: validBody(uniqueOrgId()) })
        codes.push(res.statusCode)
        if (res.statusCode === 429) {
          problemOf(res, 429, 'rate_limited')
          expect(res.headers['retry-after']).toBeDefined()
        }
      }
      expect(codes).toEqual([201, 201, 201, 429, 429])
      for (let i = 0; i < 10; i++) expect((await ctx().request({ method: 'GET', url: BASE })).statusCode).toBe(200)
    })
  },
  { WRITE_RATE_LIMIT: '3', WRITE_RATE_WINDOW_MS: '60000' }
)

describeEachStore('CORS off by default', (ctx) => {
  it('sends no Access-Control-Allow-Origin', async () => {
    const res = await ctx().request({ method: 'GET', url: BASE, headers: { origin: 'https://admin.example.com' } })
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describeEachStore(
  'CORS with CORS_ORIGINS',
  (ctx) => {
    it('allows the configured origin, with a preflight for writes, and not others', async () => {
      const allowed = await ctx().request({ method: 'GET', url: BASE, headers: { origin: 'https://admin.example.com' } })
      expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.com')
      const preflight = await ctx().request({
        method: 'OPTIONS',
        url: `${BASE}/org_x`,
        headers: {
          origin: 'https://admin.example.com',
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'authorization,if-match,content-type'
        }
      })
      expect(preflight.statusCode).toBe(204)
      expect(String(preflight.headers['access-control-allow-methods'])).toContain('PUT')
      const other = await ctx().request({ method: 'GET', url: BASE, headers: { origin: 'https://evil.example.com' } })
      expect(other.headers['access-control-allow-origin']).toBeUndefined()
    })

    it('still writes through', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, { origin: 'https://admin.example.com' })
    })
  },
  { CORS_ORIGINS: 'https://admin.example.com' }
)
