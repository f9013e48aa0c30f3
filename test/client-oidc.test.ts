import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import * as oidc from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildVippsAuthorizeUrl, createClient, type OrgConfig, VIPPS_DISCOVERY_PATH, vippsDiscoveryUrl, vippsIssuer } from '@vipps-orgs/client'
import { uniqueOrgId } from './support/app.js'
import { type ListeningApp, listenApp } from './support/client-server.js'

/**
 * The authorize URL the client builds for an org, taken by a real OpenID provider (`oidc-provider`,
 * mounted at Vipps's paths on 127.0.0.1), and the code flow completed by a real relying party
 * (`openid-client`, PKCE S256). No network beyond 127.0.0.1.
 */

const MOUNT = '/access-management-1.0/access'
const CLIENT_SECRET = 'the-secret-lives-in-the-vault'

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; base: string }> {
  const server = createServer(handler)
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))
  )
}

function close(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve()
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

/** A browser, as far as the flow needs one: cookies kept, redirects followed by hand, forms posted. */
class Browser {
  private readonly cookies = new Map<string, string>()
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {}
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    let body: string | undefined
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(init.form).toString()
    }
    const res = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return res
  }
  /** Follows redirects until `stop(url)` says this is where we wanted to land, or a page is shown. */
  async follow(url: string, stop: (url: URL) => boolean, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ url: URL; res: Response }> {
    let current = new URL(url)
    let res = await this.request(current.href, init)
    for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops++) {
      current = new URL(res.headers.get('location')!, current)
      if (stop(current)) return { url: current, res }
      res = await this.request(current.href)
    }
    return { url: current, res }
  }
}

/** Posts the form on an oidc-provider devInteractions page (login or consent). */
function formOf(html: string, base: URL): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
  if (!action) throw new Error(`no form on the page:\n${html.slice(0, 500)}`)
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = m[2]!
  if (/name="login"/.test(html)) fields.login = 'kari.nordmann'
  if (/name="password"/.test(html)) fields.password = 'any'
  return { action: new URL(action.replace(/&amp;/g, '&'), base).href, fields }
}

describe('buildVippsAuthorizeUrl', () => {
  it('uses the Vipps hosts by default, the scopes joined by spaces, S256, and refuses a short state', () => {
    const org = { client_id: 'c1', redirect_uri: 'myapp://vipps-callback', scopes: ['openid', 'name'], environment: 'production' as const }
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    const url = new URL(buildVippsAuthorizeUrl(org, { state: 'state-123', codeChallenge: challenge }))
    expect(url.origin + url.pathname).toBe('https://api.vipps.no/access-management-1.0/access/oauth2/auth')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'c1',
      redirect_uri: 'myapp://vipps-callback',
      scope: 'openid name',
      state: 'state-123',
      code_challenge: challenge,
      code_challenge_method: 'S256'
    })
    expect(buildVippsAuthorizeUrl({ ...org, environment: 'test' }, { state: 'state-123', codeChallenge: challenge })).toMatch(
      /^https:\/\/apitest\.vipps\.no\/access-management-1\.0\/access\/oauth2\/auth\?/
    )
    expect(vippsDiscoveryUrl('test')).toBe(`https://apitest.vipps.no${VIPPS_DISCOVERY_PATH}`)
    expect(() => buildVippsAuthorizeUrl(org, { state: 'short', codeChallenge: challenge })).toThrow(/at least 8/)
    expect(() => buildVippsAuthorizeUrl(org, { state: 'state-123', codeChallenge: 'plain' })).toThrow(/codeChallenge/)
  })
})

describe('buildVippsAuthorizeUrl against a real OpenID provider', () => {
  let service: ListeningApp
  let op: { server: Server; base: string } | undefined
  let rp: { server: Server; base: string } | undefined
  const received: URL[] = []
  let org: OrgConfig

  beforeAll(async () => {
    service = await listenApp('sqlite')
    // The app's redirect_uri: records the authorization response it receives.
    rp = await listen((req, res) => {
      received.push(new URL(req.url ?? '/', 'http://127.0.0.1'))
      res.writeHead(200, { 'content-type': 'text/plain' }).end('signed in')
    })
    const api = createClient({ baseUrl: service.base })
    const orgId = uniqueOrgId('oidc')
    await api.createOrg({
      org_id: orgId,
      client_id: `vipps-client-${orgId}`,
      client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
      redirect_uri: `${rp.base}/vipps/callback`,
      scopes: ['openid', 'name', 'phoneNumber'],
      environment: 'test'
    })
    org = await api.getOrg(orgId)

    // The provider, at Vipps's paths: issuer <base>/access-management-1.0/access/, authorize …/oauth2/auth.
    let provider: Provider | undefined
    op = await listen((req, res) => {
      const url = req.url ?? '/'
      if (!provider || !url.startsWith(MOUNT)) return void res.writeHead(404).end()
      ;(req as IncomingMessage & { originalUrl: string }).originalUrl = url
      req.url = url.slice(MOUNT.length) || '/'
      void provider.callback()(req, res)
    })
    provider = new Provider(vippsIssuer('test', op.base), {
      clients: [
        {
          client_id: org.client_id,
          client_secret: CLIENT_SECRET,
          redirect_uris: [org.redirect_uri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic'
        }
      ],
      claims: { openid: ['sub'], name: ['name'], phoneNumber: ['phone_number'] },
      routes: { authorization: '/oauth2/auth', token: '/oauth2/token', jwks: '/.well-known/jwks.json', userinfo: '/userinfo' },
      pkce: { required: () => true },
      ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
      features: { devInteractions: { enabled: true } },
      async findAccount(_ctx, sub) {
        return { accountId: sub, claims: async () => ({ sub, name: 'Kari Nordmann', phone_number: '4712345678' }) }
      }
    })
  })

  afterAll(async () => {
    await close(op?.server)
    await close(rp?.server)
    await service?.close()
  })

  it('is the authorization endpoint of the discovery document', async () => {
    const discovery = (await (await fetch(vippsDiscoveryUrl('test', op!.base))).json()) as { issuer: string; authorization_endpoint: string }
    expect(discovery.issuer).toBe(`${op!.base}/access-management-1.0/access/`)
    const built = new URL(buildVippsAuthorizeUrl(org, { state: 'state-123', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', baseUrl: op!.base }))
    expect(built.origin + built.pathname).toBe(discovery.authorization_endpoint)
  })

  it('is accepted by the provider, and the code flow completes with PKCE S256', async () => {
    const config = await oidc.discovery(new URL(vippsIssuer('test', op!.base)), org.client_id, undefined, oidc.ClientSecretBasic(CLIENT_SECRET), {
      execute: [oidc.allowInsecureRequests]
    })
    const verifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    const authorizeUrl = buildVippsAuthorizeUrl(org, {
      state,
      nonce,
      codeChallenge: await oidc.calculatePKCECodeChallenge(verifier),
      baseUrl: op!.base
    })

    const browser = new Browser()
    const atCallback = (url: URL) => url.href.startsWith(org.redirect_uri)
    // Authorize → login page.
    let step = await browser.follow(authorizeUrl, atCallback)
    expect(step.res.status, await step.res.clone().text()).toBe(200)
    let form = formOf(await step.res.text(), step.url)
    // Login → consent page (scopes name, phoneNumber).
    step = await browser.follow(form.action, atCallback, { method: 'POST', form: form.fields })
    expect(step.res.status).toBe(200)
    const consentPage = await step.res.text()
    expect(consentPage).toContain('phoneNumber')
    form = formOf(consentPage, step.url)
    // Consent → back to the app's redirect_uri with a code.
    step = await browser.follow(form.action, atCallback, { method: 'POST', form: form.fields })
    expect(atCallback(step.url)).toBe(true)
    expect(step.url.searchParams.get('error')).toBeNull()
    expect(step.url.searchParams.get('state')).toBe(state)
    await browser.request(step.url.href)
    expect(received.map((u) => u.searchParams.get('code'))).toEqual([step.url.searchParams.get('code')])

    const tokens = await oidc.authorizationCodeGrant(config, step.url, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true })
    expect(tokens.access_token).toBeTruthy()
    expect(tokens.scope?.split(' ').sort()).toEqual(['name', 'openid', 'phoneNumber'])
    expect(tokens.claims()).toMatchObject({ sub: 'kari.nordmann', nonce, aud: org.client_id, iss: vippsIssuer('test', op!.base) })
  })

  it('refuses the code with a wrong PKCE verifier (the challenge really was S256 of ours)', async () => {
    const verifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const browser = new Browser()
    const atCallback = (url: URL) => url.href.startsWith(org.redirect_uri)
    let step = await browser.follow(
      buildVippsAuthorizeUrl(org, { state, codeChallenge: await oidc.calculatePKCECodeChallenge(verifier), baseUrl: op!.base }),
      atCallback
    )
    let form = formOf(await step.res.text(), step.url)
    step = await browser.follow(form.action, atCallback, { method: 'POST', form: form.fields })
    form = formOf(await step.res.text(), step.url)
    step = await browser.follow(form.action, atCallback, { method: 'POST', form: form.fields })
    expect(step.url.searchParams.get('code')).toBeTruthy()
    const config = await oidc.discovery(new URL(vippsIssuer('test', op!.base)), org.client_id, undefined, oidc.ClientSecretBasic(CLIENT_SECRET), {
      execute: [oidc.allowInsecureRequests]
    })
    await expect(
      oidc.authorizationCodeGrant(config, step.url, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: state })
    ).rejects.toMatchObject({ error: 'invalid_grant', status: 400 })
  })
})
