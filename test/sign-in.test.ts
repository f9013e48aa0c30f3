import { createHash } from 'node:crypto'
import { Writable } from 'node:stream'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropDatabase, newDatabaseUrl, problemOf, queryDatabase, startApp, storeNames, type TestApp } from './support/app.js'
import { startTestIssuer, type TestIssuer, throughIssuer } from './support/oidc-issuer.js'

/**
 * People's sign-in (api.md "People") against a real OpenID provider: the whole code flow, the
 * session in the shared database (two instances on one database, on each store), and what an
 * attacker would try at each step. Every log line both instances write is kept and searched for
 * secrets at the end.
 */

const PUBLIC_URL = 'https://console.vipps-orgs.test'
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
    OIDC_PROVIDER_NAME: 'Test IdP'
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
      ;[a, b] = await Promise.all([
        startApp(store, env(), url, { logger: { level: 'trace', stream: logStream() } }),
        startApp(store, env(), url, { logger: { level: 'trace', stream: logStream() } })
      ])
    })
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()])
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

    it('no session id, cookie, code, state, nonce, ID token or access token is in any log line', () => {
      for (const token of [...issuer.handedOut.idTokens, ...issuer.handedOut.accessTokens, ...issuer.handedOut.codes]) secrets.add(token)
      expect(logLines.length).toBeGreaterThan(20)
      expect(logLines.some((line) => line.includes('/auth/callback'))).toBe(true)
      const leaks = [...secrets].filter((secret) => secret.length >= 16 && logLines.some((line) => line.includes(secret)))
      expect(leaks).toEqual([])
    })
  })
}
