import { createHash } from 'node:crypto'
import { Writable } from 'node:stream'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE, dropDatabase, newDatabaseUrl, problemOf, queryDatabase, startApp, storeNames, type TestApp, uniqueOrgId, validBody, within } from './support/app.js'
import { startTestIssuer, type TestIssuer, throughIssuer } from './support/oidc-issuer.js'
import { freePort } from './support/postgres.js'

/**
 * People's sign-in (api.md "People") against a real OpenID provider: the whole code flow, the
 * session in the shared database (two instances on one database, on each store), and what an
 * attacker would try at each step. Every log line both instances write is kept and searched for
 * secrets at the end.
 */

const PUBLIC_URL = 'https://console.vipps-orgs.test'
const OPS = 'sign-in-test-ops-token-0123456789'
const ORIGIN = PUBLIC_URL

let issuer: TestIssuer
const logLines: string[] = []
/** Every secret a browser held or the flows used: none may be in a log line. */
const secrets = new Set<string>()

beforeAll(async () => {
  issuer = await startTestIssuer({ redirectUris: [`${PUBLIC_URL}/auth/callback`], postLogoutRedirectUris: [`${PUBLIC_URL}/console/`] })
})
afterAll(async () => {
  await issuer?.close()
})

function env(): Record<string, string> {
  return {
    OIDC_ISSUER: issuer.issuer,
    OIDC_CLIENT_ID: issuer.clientId,
    OIDC_CLIENT_SECRET: issuer.clientSecret,
    PUBLIC_URL,
    OIDC_PROVIDER_NAME: 'Test IdP',
    ADMIN_TOKENS: `ops:${OPS}`
  }
}

const logStream = () =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString())
      done()
    }
  })

/** A browser's cookies for the service, as Set-Cookie lines left them. */
class Jar {
  readonly cookies = new Map<string, string>()
  take(res: LightMyRequestResponse): string[] {
    const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
    for (const line of lines) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name)
      else {
        this.cookies.set(name, value)
        secrets.add(value)
      }
    }
    return lines
  }
  header(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest('base64url')

async function startLogin(app: TestApp, jar: Jar, returnTo?: string): Promise<URL> {
  const query = returnTo === undefined ? '' : `?return_to=${encodeURIComponent(returnTo)}`
  const res = await app.request({ method: 'GET', url: `/auth/login${query}`, headers: jar.header() })
  expect(res.statusCode, res.body).toBe(302)
  jar.take(res)
  const url = new URL(res.headers.location as string)
  for (const name of ['state', 'nonce', 'code_challenge']) secrets.add(url.searchParams.get(name)!)
  return url
}

/** The callback as the browser makes it: the path and query the issuer sent it to, with its cookies. */
async function callback(app: TestApp, jar: Jar, back: URL): Promise<LightMyRequestResponse> {
  for (const name of ['code', 'state']) if (back.searchParams.get(name)) secrets.add(back.searchParams.get(name)!)
  const res = await app.request({ method: 'GET', url: back.pathname + back.search, headers: jar.header() })
  jar.take(res)
  return res
}

/** A whole sign-in; returns the browser's jar holding the session cookie. */
async function signIn(app: TestApp, login: string, returnTo?: string): Promise<{ jar: Jar; res: LightMyRequestResponse }> {
  const jar = new Jar()
  const back = await throughIssuer((await startLogin(app, jar, returnTo)).href, login)
  const res = await callback(app, jar, back)
  expect(res.statusCode, res.body).toBe(302)
  return { jar, res }
}

async function sessionCount(app: TestApp): Promise<number> {
  const [row] = await queryDatabase<{ n: number | string }>(app.databaseUrl, 'select count(*) as n from sessions')
  return Number(row!.n)
}

for (const store of storeNames()) {
  describe(`people sign in with OpenID Connect [${store}]`, () => {
    let a: TestApp
    let b: TestApp
    beforeAll(async () => {
      const url = await newDatabaseUrl(store)
      // One process serves a SQLite file (it holds the file's lock): "the other instance" is
      // PostgreSQL's; on SQLite both names are the one instance.
      a = await startApp(store, env(), url, { logger: { level: 'trace', stream: logStream() } })
      b = store === 'postgres' ? await startApp(store, env(), url, { logger: { level: 'trace', stream: logStream() } }) : a
    })
    afterAll(async () => {
      await Promise.all([a?.close(), b !== a ? b?.close() : undefined])
      if (a) await dropDatabase(a.databaseUrl)
    })

    describe('GET /auth/login', () => {
      it('redirects to the issuer: code flow, PKCE S256, state and nonce, the registered redirect URI; the sign-in is tied to this browser by a short-lived cookie', async () => {
        const jar = new Jar()
        const res = await a.request({ method: 'GET', url: '/auth/login?return_to=%2Fconsole%2Forgs%2Fx' })
        expect(res.statusCode).toBe(302)
        expect(res.headers['cache-control']).toBe('no-store')
        const url = new URL(res.headers.location as string)
        expect(url.origin).toBe(issuer.issuer)
        expect(url.pathname).toBe('/auth')
        const params = Object.fromEntries(url.searchParams)
        expect(params).toMatchObject({
          response_type: 'code',
          client_id: issuer.clientId,
          redirect_uri: `${PUBLIC_URL}/auth/callback`,
          code_challenge_method: 'S256'
        })
        expect(params.scope!.split(' ')).toEqual(['openid', 'email', 'profile'])
        expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/)
        expect(params.state!.length).toBeGreaterThanOrEqual(32)
        expect(params.nonce!.length).toBeGreaterThanOrEqual(32)
        const [cookie] = jar.take(res)
        expect(cookie).toMatch(/^vipps_orgs_sign_in=[A-Za-z0-9_-]{43};/)
        expect(cookie).toContain('Max-Age=600')
        expect(cookie).toContain('Path=/auth/callback')
        expect(cookie).toContain('HttpOnly')
        expect(cookie).toContain('Secure')
        expect(cookie).toContain('SameSite=Lax')
        // Nothing of the browser's cookie is in the URL, and a second sign-in has other values.
        expect(url.href).not.toContain(jar.cookies.get('vipps_orgs_sign_in'))
        const again = new URL((await a.request({ method: 'GET', url: '/auth/login' })).headers.location as string)
        for (const name of ['state', 'nonce', 'code_challenge']) expect(again.searchParams.get(name)).not.toBe(url.searchParams.get(name))
      })
    })

    describe('GET /auth/callback', () => {
      it('starts a session: the cookie HttpOnly, SameSite=Lax, Path=/, Secure, for SESSION_MAX_HOURS; stored only as a digest; back to return_to', async () => {
        const before = await sessionCount(a)
        const { jar, res } = await signIn(a, 'eddie.editor', '/console/orgs/klinikk?tab=history')
        expect(res.headers.location).toBe('/console/orgs/klinikk?tab=history')
        expect(res.headers['cache-control']).toBe('no-store')
        const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
        const session = lines.find((line) => line.startsWith('vipps_orgs_session='))!
        expect(session).toMatch(/^vipps_orgs_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
        expect(lines.find((line) => line.startsWith('vipps_orgs_sign_in='))).toMatch(/Max-Age=0/)
        const id = jar.cookies.get('vipps_orgs_session')!
        expect(await sessionCount(a)).toBe(before + 1)
        const rows = await queryDatabase<Record<string, unknown>>(a.databaseUrl, 'select * from sessions where id_digest = ?', [digest(id)])
        expect(rows).toHaveLength(1)
        expect(rows[0]).toMatchObject({ subject: 'eddie.editor', name: 'eddie@example.com', role: 'editor', org_ids: null })
        const everything = JSON.stringify(await queryDatabase(a.databaseUrl, 'select * from sessions'))
        expect(everything).not.toContain(id)
      })

      it.each([
        ['//evil.example/x'],
        ['https://evil.example/'],
        ['/\\evil.example'],
        ['/\t/evil.example'],
        ['%2F%2Fevil.example'],
        ['https:evil.example'],
        ['javascript:alert(1)'],
        ['/auth/login'],
        ['']
      ])('sends the browser to /console/ when return_to is %j (never off-site)', async (returnTo) => {
        const { res } = await signIn(a, 'vera.viewer', returnTo)
        expect(res.headers.location).toBe('/console/')
      })

      it('keeps an encoded path on this origin as it is (the browser does not read %2F%2F as a host)', async () => {
        const { res } = await signIn(a, 'vera.viewer', '/%2F%2Fevil.example')
        expect(res.headers.location).toBe('/%2F%2Fevil.example')
      })

      it('reads the roles claim: editor:<org> gives a grant limited to those orgs; unknown values give no role', async () => {
        const { jar } = await signIn(a, 'lim.editor')
        const [limited] = await queryDatabase<{ role: string; org_ids: string }>(a.databaseUrl, 'select role, org_ids from sessions where id_digest = ?', [
          digest(jar.cookies.get('vipps_orgs_session')!)
        ])
        expect(limited).toEqual({ role: 'editor', org_ids: JSON.stringify(['org-alpha', 'org-beta']) })
        const { jar: nina } = await signIn(a, 'nina.norole')
        const [none] = await queryDatabase<{ role: string | null }>(a.databaseUrl, 'select role from sessions where id_digest = ?', [digest(nina.cookies.get('vipps_orgs_session')!)])
        expect(none!.role).toBeNull()
      })
    })

    describe('GET /auth/callback refuses, 400 sign_in_failed, and starts no session', () => {
      async function refused(res: LightMyRequestResponse, before: number, detail: RegExp) {
        const problem = problemOf(res, 400, 'sign_in_failed')
        expect(problem.detail).toMatch(detail)
        expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((line) => line.startsWith('vipps_orgs_session='))).toBe(false)
        expect(await sessionCount(a)).toBe(before)
      }

      it('a forged state', async () => {
        const jar = new Jar()
        const back = await throughIssuer((await startLogin(a, jar)).href, 'ada.admin')
        back.searchParams.set('state', 'forged-state-0123456789abcdef0123456789abcdef')
        const before = await sessionCount(a)
        await refused(await callback(a, jar, back), before, /state/)
      })

      it('a replayed callback (same browser, same state and code), on either instance', async () => {
        const jar = new Jar()
        const back = await throughIssuer((await startLogin(a, jar)).href, 'ada.admin')
        const kept = new Jar()
        for (const [k, v] of jar.cookies) kept.cookies.set(k, v)
        expect((await callback(a, jar, back)).statusCode).toBe(302)
        const before = await sessionCount(a)
        await refused(await callback(b, kept, back), before, /no sign-in waiting/)
        await refused(await callback(a, kept, back), before, /no sign-in waiting/)
      })

      it('a victim’s code and state taken to an attacker’s browser (or the reverse: login CSRF)', async () => {
        const victim = new Jar()
        const back = await throughIssuer((await startLogin(a, victim)).href, 'ada.admin')
        const attacker = new Jar()
        await startLogin(a, attacker)
        const before = await sessionCount(a)
        await refused(await callback(a, attacker, back), before, /state/)
        // The victim's own browser still completes its sign-in.
        expect((await callback(a, victim, back)).statusCode).toBe(302)
      })

      it('a callback in a browser that started no sign-in, or after the sign-in expired', async () => {
        const jar = new Jar()
        const back = await throughIssuer((await startLogin(a, jar)).href, 'ada.admin')
        const before = await sessionCount(a)
        await refused(await callback(a, new Jar(), back), before, /no sign-in waiting/)
        await queryDatabase(a.databaseUrl, 'update session_sign_ins set expires_at_ms = ?', [Date.now() - 1])
        await refused(await callback(a, jar, back), before, /no sign-in waiting/)
        // Sign-ins never finished do not pile up: the next one drops the expired.
        await queryDatabase(a.databaseUrl, 'update session_sign_ins set expires_at_ms = ?', [Date.now() - 1])
        await startLogin(a, new Jar())
        const left = await queryDatabase<{ expires_at_ms: number | string }>(a.databaseUrl, 'select expires_at_ms from session_sign_ins')
        expect(left).toHaveLength(1)
        expect(Number(left[0]!.expires_at_ms)).toBeGreaterThan(Date.now())
      })

      it('a wrong nonce (the authorization request changed on its way to the issuer)', async () => {
        const jar = new Jar()
        const url = await startLogin(a, jar)
        url.searchParams.set('nonce', 'a-nonce-of-the-attackers-choosing-0123456789')
        const back = await throughIssuer(url.href, 'ada.admin')
        const before = await sessionCount(a)
        await refused(await callback(a, jar, back), before, /nonce/)
      })

      it.each([
        ['of another issuer', { claims: (real: Record<string, unknown>) => ({ ...real, iss: 'https://evil.example/' }) }, /iss/],
        ['signed with another key', { strangerKey: true }, /signature|key/i],
        ['unsigned (alg none)', { unsigned: true }, /alg|signature|unsecured|algorithm/i],
        ['for another client', { claims: (real: Record<string, unknown>) => ({ ...real, aud: 'another-client' }) }, /aud/],
        ['expired', { claims: (real: Record<string, unknown>) => ({ ...real, exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200 }) }, /exp|timestamp/i]
      ])('an ID token %s', async (_what, forge, detail) => {
        const jar = new Jar()
        const back = await throughIssuer((await startLogin(a, jar)).href, 'ada.admin')
        const before = await sessionCount(a)
        issuer.forge = forge
        try {
          await refused(await callback(a, jar, back), before, detail)
        } finally {
          issuer.forge = undefined
        }
      })

      it('the issuer’s own refusal (error=access_denied)', async () => {
        const jar = new Jar()
        const url = await startLogin(a, jar)
        const back = new URL(`${PUBLIC_URL}/auth/callback`)
        back.searchParams.set('error', 'access_denied')
        back.searchParams.set('state', url.searchParams.get('state')!)
        back.searchParams.set('iss', issuer.issuer)
        const before = await sessionCount(a)
        await refused(await callback(a, jar, back), before, /access_denied/)
      })
    })

    describe('the session', () => {
      const me = (app: TestApp, jar: Jar) => app.request({ method: 'GET', url: '/api/v1/me', headers: jar.header() })
      const write = (app: TestApp, jar: Jar, orgId: string, headers: Record<string, string>) =>
        app.request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: { ...jar.header(), ...headers } })
      const cleared = (res: LightMyRequestResponse) =>
        ([] as string[]).concat(res.headers['set-cookie'] ?? []).some((line) => /^vipps_orgs_session=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=Lax$/.test(line))

      it('GET /api/v1/me: the person, their role and grant, when the session ends, and the CSRF token; on every instance', async () => {
        const { jar } = await signIn(a, 'eddie.editor')
        for (const app of [a, b]) {
          const res = await me(app, jar)
          expect(res.statusCode).toBe(200)
          const body = res.json()
          expect(body).toMatchObject({ actor: { type: 'user', id: 'eddie.editor', name: 'eddie@example.com' }, role: 'editor', org_ids: null })
          expect(body.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
          secrets.add(body.csrf_token)
          expect(Date.parse(body.expires_at) - Date.now()).toBeGreaterThan(11.9 * 3_600_000)
        }
        const limited = await me(a, (await signIn(a, 'lim.editor')).jar)
        expect(limited.json()).toMatchObject({ role: 'editor', org_ids: ['org-alpha', 'org-beta'] })
        const none = await me(a, (await signIn(a, 'nina.norole')).jar)
        expect(none.json()).toMatchObject({ actor: { type: 'user', id: 'nina.norole' }, role: null, org_ids: null })
      })

      it('a cookie write needs X-CSRF-Token and Origin: each missing or wrong is 403 csrf_failed, nothing written; both right, it is written in the person’s name', async () => {
        const { jar } = await signIn(a, 'eddie.editor')
        const csrf = (await me(a, jar)).json().csrf_token as string
        const cases: [string, Record<string, string>][] = [
          ['no token, no Origin', {}],
          ['no token', { origin: ORIGIN }],
          ['another origin', { origin: 'https://evil.example', 'x-csrf-token': csrf }],
          ['the origin with another port', { origin: `${ORIGIN}:8443`, 'x-csrf-token': csrf }],
          ['no Origin', { 'x-csrf-token': csrf }],
          ['a wrong token', { origin: ORIGIN, 'x-csrf-token': `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` }],
          ['another session’s token', { origin: ORIGIN, 'x-csrf-token': (await me(a, (await signIn(a, 'ada.admin')).jar)).json().csrf_token }]
        ]
        for (const [what, headers] of cases) {
          const orgId = uniqueOrgId('csrf')
          problemOf(await write(a, jar, orgId, headers), 403, 'csrf_failed')
          expect((await a.request({ method: 'GET', url: `${BASE}/${orgId}` })).statusCode, what).toBe(404)
        }
        // PUT and DELETE too, and POST /auth/logout (the session stays).
        const orgId = uniqueOrgId('csrf')
        expect((await write(a, jar, orgId, { origin: ORIGIN, 'x-csrf-token': csrf })).statusCode).toBe(201)
        problemOf(await a.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false }, headers: { ...jar.header(), origin: ORIGIN } }), 403, 'csrf_failed')
        problemOf(await a.request({ method: 'DELETE', url: `${BASE}/${orgId}`, headers: { ...jar.header(), 'x-csrf-token': csrf } }), 403, 'csrf_failed')
        problemOf(await a.request({ method: 'POST', url: '/auth/logout', headers: { ...jar.header(), origin: 'https://evil.example', 'x-csrf-token': csrf } }), 403, 'csrf_failed')
        expect((await me(a, jar)).statusCode).toBe(200)
        const org = (await a.request({ method: 'GET', url: `${BASE}/${orgId}` })).json()
        expect(org.vipps_enabled).toBe(true)
        const history = (await a.request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
        expect(history.data.map((event: { actor: unknown }) => event.actor)).toEqual([{ type: 'user', id: 'eddie.editor', name: 'eddie@example.com' }])
      })

      it('a viewer’s cookie write (CSRF right) is 403 forbidden; a person with no role may not even read /me’s way into writes', async () => {
        const viewer = (await signIn(a, 'vera.viewer')).jar
        const orgId = uniqueOrgId('viewer')
        problemOf(await write(a, viewer, orgId, { origin: ORIGIN, 'x-csrf-token': (await me(a, viewer)).json().csrf_token }), 403, 'forbidden')
        const nobody = (await signIn(a, 'nina.norole')).jar
        problemOf(await write(a, nobody, orgId, { origin: ORIGIN, 'x-csrf-token': (await me(a, nobody)).json().csrf_token }), 403, 'forbidden')
        expect((await a.request({ method: 'GET', url: `${BASE}/${orgId}` })).statusCode).toBe(404)
      })

      it('bearer requests are not affected by the CSRF rules: a bearer beside a viewer’s cookie writes as the bearer, without Origin or token', async () => {
        const { jar } = await signIn(a, 'vera.viewer')
        const orgId = uniqueOrgId('bearer')
        const res = await write(a, jar, orgId, { authorization: `Bearer ${OPS}` })
        expect(res.statusCode, res.body).toBe(201)
        const history = (await a.request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
        expect(history.data[0].actor).toEqual({ type: 'token', id: 'ops', name: 'ops' })
        problemOf(await write(a, jar, uniqueOrgId('bearer'), { authorization: 'Bearer not-a-token-0123456789' }), 401, 'unauthorized')
      })

      it('idle: after SESSION_IDLE_MINUTES without a request the cookie is no credential, is cleared, and the row is gone; a public read is still served', async () => {
        const { jar } = await signIn(a, 'eddie.editor')
        const id = jar.cookies.get('vipps_orgs_session')!
        // Seen 20 minutes ago: still live, and seeing it moves the idle clock on.
        await queryDatabase(a.databaseUrl, 'update sessions set seen_at_ms = ? where id_digest = ?', [Date.now() - 20 * 60_000, digest(id)])
        expect((await me(b, jar)).statusCode).toBe(200)
        const [seen] = await queryDatabase<{ seen_at_ms: number | string }>(a.databaseUrl, 'select seen_at_ms from sessions where id_digest = ?', [digest(id)])
        expect(Date.now() - Number(seen!.seen_at_ms)).toBeLessThan(60_000)
        await queryDatabase(a.databaseUrl, 'update sessions set seen_at_ms = ? where id_digest = ?', [Date.now() - 30 * 60_000 - 1_000, digest(id)])
        const read = await a.request({ method: 'GET', url: BASE, headers: jar.header() })
        expect(read.statusCode).toBe(200)
        expect(cleared(read)).toBe(true)
        const res = await me(b, jar)
        problemOf(res, 401, 'unauthorized')
        expect(await queryDatabase(a.databaseUrl, 'select 1 from sessions where id_digest = ?', [digest(id)])).toEqual([])
      })

      it('absolute: SESSION_MAX_HOURS after signing in, however busy, the session ends', async () => {
        const { jar } = await signIn(a, 'eddie.editor')
        const id = jar.cookies.get('vipps_orgs_session')!
        await queryDatabase(a.databaseUrl, 'update sessions set expires_at_ms = ? where id_digest = ?', [Date.now() - 1, digest(id)])
        const res = await me(a, jar)
        problemOf(res, 401, 'unauthorized')
        expect(cleared(res)).toBe(true)
        const orgId = uniqueOrgId('expired')
        const csrf = (await me(a, jar)).statusCode
        expect(csrf).toBe(401)
        problemOf(await write(a, jar, orgId, { origin: ORIGIN }), 401, 'unauthorized')
      })

      it('a cookie that was never a session (guessed, or of another length) is no credential either', async () => {
        for (const value of ['A'.repeat(43), 'short', `${'B'.repeat(43)}x`]) {
          problemOf(await me(a, Object.assign(new Jar(), { cookies: new Map([['vipps_orgs_session', value]]) })), 401, 'unauthorized')
        }
      })

      it('POST /auth/logout ends the session on every instance at once, clears the cookie, and names the issuer’s end-session URL', async () => {
        const { jar } = await signIn(a, 'eddie.editor')
        const kept = new Map(jar.cookies)
        const csrf = (await me(a, jar)).json().csrf_token as string
        expect((await me(b, jar)).statusCode).toBe(200)
        const res = await a.request({ method: 'POST', url: '/auth/logout', headers: { ...jar.header(), origin: ORIGIN, 'x-csrf-token': csrf } })
        expect(res.statusCode).toBe(200)
        expect(cleared(res)).toBe(true)
        const end = new URL(res.json().end_session_url)
        expect(end.origin).toBe(issuer.issuer)
        expect(Object.fromEntries(end.searchParams)).toEqual({ client_id: issuer.clientId, post_logout_redirect_uri: `${PUBLIC_URL}/console/` })
        const old = Object.assign(new Jar(), { cookies: kept })
        await within(1_000, async () => (await me(b, old)).statusCode === 401)
        problemOf(await write(b, old, uniqueOrgId('old'), { origin: ORIGIN, 'x-csrf-token': csrf }), 401, 'unauthorized')
        // Signing out again (no live session) is harmless.
        const again = await a.request({ method: 'POST', url: '/auth/logout', headers: old.header() })
        expect(again.json()).toEqual({ end_session_url: null })
      })

      it('a restart keeps sessions (they live in the database)', async () => {
        const { jar } = await signIn(a, 'ada.admin')
        // SQLite: the one instance stops first, and the restarted one serves the tests after this.
        if (store === 'sqlite') await a.close()
        const c = await startApp(store, env(), a.databaseUrl, { logger: { level: 'trace', stream: logStream() } })
        try {
          expect((await me(c, jar)).json()).toMatchObject({ actor: { id: 'ada.admin' }, role: 'admin' })
        } finally {
          if (store === 'sqlite') a = b = c
          else await c.close()
        }
      })
    })

    it('no session id, cookie, code, state, nonce, ID token or access token is in any log line', () => {
      for (const token of [...issuer.handedOut.idTokens, ...issuer.handedOut.accessTokens, ...issuer.handedOut.codes]) secrets.add(token)
      expect(logLines.length).toBeGreaterThan(20)
      expect(logLines.some((line) => line.includes('/auth/callback'))).toBe(true)
      const leaks = [...secrets].filter((secret) => secret.length >= 16 && logLines.some((line) => line.includes(secret)))
      expect(leaks).toEqual([])
    })
  })
}

describe('an issuer that does not answer', () => {
  it('GET /auth/login is 503 with Retry-After (no cookie, nothing stored), and the service serves on', async () => {
    const closed = await freePort()
    const app = await startApp(storeNames()[0]!, { ...env(), OIDC_ISSUER: `http://127.0.0.1:${closed}` })
    try {
      const res = await app.request({ method: 'GET', url: '/auth/login' })
      problemOf(res, 503, 'service_unavailable')
      expect(res.headers['retry-after']).toBe('1')
      expect(res.headers['set-cookie']).toBeUndefined()
      expect(await queryDatabase(app.databaseUrl, 'select * from session_sign_ins')).toEqual([])
      expect((await app.request({ method: 'GET', url: BASE })).statusCode).toBe(200)
    } finally {
      await app.close()
      await dropDatabase(app.databaseUrl)
    }
  })
})
