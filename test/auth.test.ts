import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, problemOf, uniqueOrgId, validBody } from './support/app.js'

const OPS = 'ops-token-0123456789abcdef'
const PLAIN = 'plain-token-fedcba9876543210'
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describeEachStore(
  'access with ADMIN_TOKENS set',
  (ctx) => {
    it('writes without a token answer 401 with WWW-Authenticate, and write nothing', async () => {
      const orgId = uniqueOrgId()
      const res = await ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId) })
      problemOf(res, 401, 'unauthorized')
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="vipps-orgs"/)
      problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` }), 404, 'not_found')
    })

    it('a wrong token, a wrong scheme or a token with a suffix is a 401 invalid_token', async () => {
      const orgId = uniqueOrgId()
      for (const authorization of [`Bearer wrong-token`, `Basic ${OPS}`, `Bearer ${OPS}x`, `Bearer ${OPS.slice(1)}`, 'Bearer']) {
        const res = await ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: { authorization } })
        problemOf(res, 401, 'unauthorized')
      }
      const wrong = await ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: bearer('nope') })
      expect(wrong.headers['www-authenticate']).toContain('error="invalid_token"')
      problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` }), 404, 'not_found')
    })

    it('401 comes before validation: a bad body without a token says nothing about the body', async () => {
      const res = await ctx().request({ method: 'POST', url: BASE, payload: { nonsense: true } })
      problemOf(res, 401, 'unauthorized')
    })

    it('PUT and DELETE need the token too, and change nothing without it', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, bearer(OPS))
      problemOf(
        await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } }),
        401,
        'unauthorized'
      )
      problemOf(await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` }), 401, 'unauthorized')
      const status = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status` })).json()
      expect(status.vipps_enabled).toBe(true)
    })

    it('a valid token writes, and its name is the actor in the history; a plain token is "admin"', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, bearer(OPS))
      const put = await ctx().request({
        method: 'PUT',
        url: `${BASE}/${orgId}`,
        payload: { vipps_enabled: false },
        headers: { authorization: `bearer   ${PLAIN}` }
      })
      expect(put.statusCode).toBe(200)
      const history = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
      expect(history.data.map((e: { actor: string }) => e.actor)).toEqual(['ops', 'admin'])
    })

    it('reads stay public', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, bearer(OPS))
      expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).statusCode).toBe(200)
      expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status` })).statusCode).toBe(200)
      expect((await ctx().request({ method: 'GET', url: BASE })).statusCode).toBe(200)
    })
  },
  { ADMIN_TOKENS: `ops:${OPS}, ${PLAIN}` }
)

describeEachStore(
  'access with AUTH_READS=true',
  (ctx) => {
    it('reads need a token too', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, bearer(OPS))
      for (const url of [BASE, `${BASE}/${orgId}`, `${BASE}/${orgId}/status`, `${BASE}/${orgId}/history`]) {
        problemOf(await ctx().request({ method: 'GET', url }), 401, 'unauthorized')
        expect((await ctx().request({ method: 'GET', url, headers: bearer(OPS) })).statusCode).toBe(200)
      }
    })

    it('health and docs stay open for probes', async () => {
      expect((await ctx().request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
      expect((await ctx().request({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200)
    })
  },
  { ADMIN_TOKENS: `ops:${OPS}`, AUTH_READS: 'true' }
)

describeEachStore(
  'access in production with AUTH_DISABLED=true',
  (ctx) => {
    it('writes are open on purpose; the actor is "anonymous"', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId)
      const history = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
      expect(history.data[0].actor).toBe('anonymous')
    })
  },
  { NODE_ENV: 'production', AUTH_DISABLED: 'true' }
)
