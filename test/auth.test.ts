import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { API_KEYS, bearer, createKey, expectForbidden, oneCharChanged } from './support/access.js'
import { BASE, createOrg, describeEachStore, dropDatabase, newDatabaseUrl, problemOf, storeNames, type TestApp, uniqueOrgId, validBody } from './support/app.js'

const OPS = 'ops-token-0123456789abcdef'
const PLAIN = 'plain-token-fedcba9876543210'
const ME = '/api/v1/me'
const token = (name: string) => ({ type: 'token', id: name, name })
const ANONYMOUS = { type: 'anonymous', id: 'anonymous', name: 'anonymous' }

/** A client address of its own, so one test's bad credentials do not count against another's. */
let addresses = 0
const nextAddress = () => `10.23.${Math.floor(++addresses / 250)}.${(addresses % 250) + 1}`

describeEachStore(
  'access with ADMIN_TOKENS set',
  (ctx) => {
    it('writes without a credential answer 401 with WWW-Authenticate, and write nothing', async () => {
      const orgId = uniqueOrgId()
      const res = await ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId) })
      problemOf(res, 401, 'unauthorized')
      expect(res.headers['www-authenticate']).toBe('Bearer realm="vipps-orgs"')
      problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` }), 404, 'not_found')
    })

    it('a wrong token, a wrong scheme or a token with a suffix is a 401 invalid_token', async () => {
      const orgId = uniqueOrgId()
      for (const authorization of [`Bearer wrong-token`, `Basic ${OPS}`, `Bearer ${OPS}x`, `Bearer ${OPS.slice(1)}`, 'Bearer', `Bearer ${oneCharChanged(OPS)}`]) {
        const res = await ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: { authorization }, remoteAddress: nextAddress() })
        problemOf(res, 401, 'unauthorized')
        expect(res.headers['www-authenticate']).toBe('Bearer realm="vipps-orgs", error="invalid_token"')
      }
      problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` }), 404, 'not_found')
    })

    it('a presented credential is checked even where none is needed: a public read with a wrong token is a 401', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, bearer(OPS))
      expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status` })).statusCode).toBe(200)
      for (const url of [`${BASE}/${orgId}/status`, `${BASE}/${orgId}`, BASE, `${BASE}/${orgId}/history`, '/api/v1/events']) {
        problemOf(await ctx().request({ method: 'GET', url, headers: bearer('wrong-token'), remoteAddress: nextAddress() }), 401, 'unauthorized')
      }
    })

    it('401 comes before validation: a bad body without a credential says nothing about the body', async () => {
      const res = await ctx().request({ method: 'POST', url: BASE, payload: { nonsense: true } })
      problemOf(res, 401, 'unauthorized')
    })

    it('PUT and DELETE need the token too, and change nothing without it', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, bearer(OPS))
      problemOf(await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } }), 401, 'unauthorized')
      problemOf(await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` }), 401, 'unauthorized')
      const status = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status` })).json()
      expect(status.vipps_enabled).toBe(true)
    })

    it('a valid token writes, and it is the actor in the history: its name, or "admin" for a plain token', async () => {
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
      expect(history.data.map((e: { actor: unknown }) => e.actor)).toEqual([token('ops'), token('admin')])
    })

    it('reads stay public', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, bearer(OPS))
      expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).statusCode).toBe(200)
      expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status` })).statusCode).toBe(200)
      expect((await ctx().request({ method: 'GET', url: BASE })).statusCode).toBe(200)
      expect((await ctx().request({ method: 'GET', url: '/api/v1/events' })).statusCode).toBe(200)
    })

    it('webhooks and API keys are not public reads: 401 without a credential', async () => {
      for (const url of ['/api/v1/webhooks', API_KEYS]) problemOf(await ctx().request({ method: 'GET', url }), 401, 'unauthorized')
    })

    it('GET /api/v1/me names the token, its role and that it never ends; without a credential it is a 401', async () => {
      const me = await ctx().request({ method: 'GET', url: ME, headers: bearer(OPS) })
      expect(me.statusCode).toBe(200)
      expect(me.json()).toEqual({ actor: token('ops'), role: 'admin', org_ids: null, expires_at: null })
      problemOf(await ctx().request({ method: 'GET', url: ME }), 401, 'unauthorized')
      problemOf(await ctx().request({ method: 'GET', url: ME, headers: bearer('nope'), remoteAddress: nextAddress() }), 401, 'unauthorized')
    })

    it('more than 20 bad credentials a minute from one address: 429 with Retry-After, even for a good one then; other addresses go on', async () => {
      const address = nextAddress()
      for (let i = 0; i < 20; i++) {
        const res = await ctx().request({ method: 'GET', url: i % 2 ? ME : `${BASE}/x_${i}/status`, headers: bearer(`guess-${i}`), remoteAddress: address })
        problemOf(res, 401, 'unauthorized')
      }
      const limited = await ctx().request({ method: 'GET', url: ME, headers: bearer('guess-21'), remoteAddress: address })
      problemOf(limited, 429, 'rate_limited')
      const wait = Number(limited.headers['retry-after'])
      expect(wait).toBeGreaterThanOrEqual(1)
      expect(wait).toBeLessThanOrEqual(60)
      problemOf(await ctx().request({ method: 'GET', url: ME, headers: bearer(OPS), remoteAddress: address }), 429, 'rate_limited')
      // Requests without a credential are not guesses: public reads go on, writes are 401 as ever.
      expect((await ctx().request({ method: 'GET', url: BASE, remoteAddress: address })).statusCode).toBe(200)
      expect((await ctx().request({ method: 'GET', url: ME, headers: bearer(OPS), remoteAddress: nextAddress() })).statusCode).toBe(200)
    })

    it('a missing credential does not count towards the limit', async () => {
      const address = nextAddress()
      for (let i = 0; i < 30; i++) {
        problemOf(await ctx().request({ method: 'POST', url: BASE, payload: validBody(uniqueOrgId()), remoteAddress: address }), 401, 'unauthorized')
      }
      expect((await ctx().request({ method: 'GET', url: ME, headers: bearer(OPS), remoteAddress: address })).statusCode).toBe(200)
    })
  },
  { ADMIN_TOKENS: `ops:${OPS}, ${PLAIN}` }
)

describeEachStore(
  'access with AUTH_READS=true',
  (ctx) => {
    it('reads need a credential too', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, bearer(OPS))
      for (const url of [BASE, `${BASE}/${orgId}`, `${BASE}/${orgId}/status`, `${BASE}/${orgId}/history`, '/api/v1/events']) {
        problemOf(await ctx().request({ method: 'GET', url }), 401, 'unauthorized')
        expect((await ctx().request({ method: 'GET', url, headers: bearer(OPS) })).statusCode).toBe(200)
      }
    })

    it('and an API key reads like a token', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, bearer(OPS))
      const { key } = await createKey(ctx(), { name: 'reader', role: 'viewer' }, OPS)
      expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status`, headers: bearer(key) })).json()).toMatchObject({ org_id: orgId })
    })

    it('health and docs stay open for probes', async () => {
      expect((await ctx().request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
      expect((await ctx().request({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200)
    })
  },
  { ADMIN_TOKENS: `ops:${OPS}`, AUTH_READS: 'true' }
)

describeEachStore('access in the open mode (no ADMIN_TOKENS, no OIDC_ISSUER, outside production)', (ctx) => {
  it('a request without a credential is anonymous with every right', async () => {
    const me = await ctx().request({ method: 'GET', url: ME })
    expect(me.json()).toEqual({ actor: ANONYMOUS, role: 'admin', org_ids: null, expires_at: null })
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    expect((await ctx().request({ method: 'GET', url: '/api/v1/webhooks' })).statusCode).toBe(200)
    expect((await ctx().request({ method: 'GET', url: API_KEYS })).statusCode).toBe(200)
    const history = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
    expect(history.data[0].actor).toEqual(ANONYMOUS)
  })

  it('a presented credential is still checked: a wrong one is a 401, a limited key stays limited', async () => {
    problemOf(await ctx().request({ method: 'GET', url: ME, headers: bearer('not-a-token'), remoteAddress: nextAddress() }), 401, 'unauthorized')
    const mine = uniqueOrgId()
    const other = uniqueOrgId()
    await createOrg(ctx(), mine)
    await createOrg(ctx(), other)
    const created = await ctx().request({ method: 'POST', url: API_KEYS, payload: { name: 'app', role: 'viewer', org_ids: [mine] } })
    expect(created.json().created_by).toEqual(ANONYMOUS)
    const key = created.json().key as string
    expect((await ctx().request({ method: 'GET', url: `${BASE}/${mine}`, headers: bearer(key) })).statusCode).toBe(200)
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${other}`, headers: bearer(key) }), 404, 'not_found')
    expectForbidden(await ctx().request({ method: 'PUT', url: `${BASE}/${mine}`, payload: { vipps_enabled: false }, headers: bearer(key) }), 'orgs:write')
  })
})

describeEachStore(
  'access in production with AUTH_DISABLED=true and no way to sign in',
  (ctx) => {
    it('everything is open on purpose; the actor is anonymous', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId)
      const history = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
      expect(history.data[0].actor).toEqual(ANONYMOUS)
      expect((await ctx().request({ method: 'GET', url: ME })).json().role).toBe('admin')
    })
  },
  { NODE_ENV: 'production', AUTH_DISABLED: 'true' }
)

describeEachStore(
  'access with ADMIN_TOKENS and AUTH_DISABLED=true',
  (ctx) => {
    it('org writes are open without a credential; webhooks and API keys still need an admin', async () => {
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId)
      expect((await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } })).statusCode).toBe(200)
      problemOf(await ctx().request({ method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://example.com/hook' } }), 401, 'unauthorized')
      problemOf(await ctx().request({ method: 'POST', url: API_KEYS, payload: { name: 'x', role: 'admin' } }), 401, 'unauthorized')
      problemOf(await ctx().request({ method: 'GET', url: ME }), 401, 'unauthorized')
    })
  },
  { ADMIN_TOKENS: `ops:${OPS}`, AUTH_DISABLED: 'true' }
)

/** Every log line of a real app at the most verbose level, while credentials of every kind come and go. */
for (const store of storeNames()) {
  describe(`no credential in any log line [${store}]`, () => {
    const lines: string[] = []
    let app: Awaited<ReturnType<typeof buildApp>>
    let databaseUrl: string
    beforeAll(async () => {
      databaseUrl = await newDatabaseUrl(store)
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString())
          done()
        }
      })
      app = await buildApp(loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'trace', ADMIN_TOKENS: `ops:${OPS}` }), { logger: { level: 'trace', stream } })
    })
    afterAll(async () => {
      await app?.close()
      await dropDatabase(databaseUrl)
    })

    it('holds no bootstrap token, API key or key digest, at level trace, through creates, uses, failures and revokes', async () => {
      const t = { request: (o: Parameters<TestApp['request']>[0]) => app.inject(o) } as TestApp
      const created = await createKey(t, { name: 'logged', role: 'editor' }, OPS)
      const orgId = uniqueOrgId()
      expect((await t.request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: bearer(created.key) })).statusCode).toBe(201)
      await t.request({ method: 'GET', url: `${BASE}/${orgId}/status`, headers: bearer(created.key) })
      await t.request({ method: 'GET', url: ME, headers: bearer(oneCharChanged(created.key)) })
      await t.request({ method: 'GET', url: ME, headers: bearer(`${OPS}x`) })
      await t.request({ method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://example.com/h' }, headers: bearer(created.key) })
      await t.request({ method: 'DELETE', url: `${API_KEYS}/${created.id}`, headers: bearer(OPS) })
      await t.request({ method: 'GET', url: ME, headers: bearer(created.key) })
      const [row] = (await app.database.db.selectFrom('api_keys' as never).select('digest' as never).execute()) as { digest: string }[]
      expect(lines.length).toBeGreaterThan(10)
      for (const secret of [OPS, created.key, created.key.slice(4), row!.digest]) {
        expect(lines.filter((line) => line.includes(secret))).toEqual([])
      }
    })
  })
}
