import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import Provider from 'oidc-provider'

/**
 * A real OpenID provider for the sign-in tests (`oidc-provider` on 127.0.0.1, its development
 * login pages: any password), with one account per role. Its signing key is made here, so a test
 * can also forge what an attacker would: an ID token of another issuer, or signed with another key
 * (`tamper`, applied to the token endpoint's answers). Every ID token, access token and code it
 * hands out is recorded, so a test can look for them in logs.
 */

export const ROLES_CLAIM = 'vipps_orgs_roles'

/** login name → roles claim. Any other login name signs in with no roles claim at all. */
export const ACCOUNTS: Record<string, { name: string; email: string; roles: unknown }> = {
  'ada.admin': { name: 'Ada Admin', email: 'ada@example.com', roles: ['admin'] },
  'eddie.editor': { name: 'Eddie Editor', email: 'eddie@example.com', roles: ['editor', 'not-a-role'] },
  'vera.viewer': { name: 'Vera Viewer', email: 'vera@example.com', roles: ['viewer'] },
  'lim.editor': { name: 'Lim Editor', email: 'lim@example.com', roles: ['editor:org-alpha', 'editor:org-beta', 'viewer:org-gamma'] },
  'nina.norole': { name: 'Nina Norole', email: 'nina@example.com', roles: ['superuser', 'editor:'] }
}

export interface IdTokenForgery {
  /** The claims to sign instead (the real ones are given). */
  claims?: (real: Record<string, unknown>) => Record<string, unknown>
  /** Sign with a key the issuer never published, under the real key's `kid`. */
  strangerKey?: boolean
  /** An unsecured token (`alg: none`). */
  unsigned?: boolean
}

export interface TestIssuer {
  issuer: string
  clientId: string
  clientSecret: string
  /** What the token endpoint hands out, for log checks. */
  handedOut: { idTokens: string[]; accessTokens: string[]; codes: string[] }
  /** Set to forge the next ID tokens the token endpoint answers with; undefined for real ones. */
  forge: IdTokenForgery | undefined
  close(): Promise<void>
}

export interface TestIssuerOptions {
  redirectUris: string[]
  postLogoutRedirectUris?: string[]
  /** Put the claims (roles, email, name) in the ID token as well as userinfo (Entra ID does; many do not). */
  claimsInIdToken?: boolean
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; base: string }> {
  const server = createServer(handler)
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))
  )
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

export async function startTestIssuer(options: TestIssuerOptions): Promise<TestIssuer> {
  const clientId = 'vipps-orgs-console'
  const clientSecret = 'issuer-client-secret-for-tests'
  const kid = 'test-signing-key'
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const stranger = await generateKeyPair('RS256', { extractable: true })
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' }

  let provider: Provider | undefined
  const { server, base } = await listen((req, res) => {
    if (!provider) return void res.writeHead(503).end()
    void provider.callback()(req, res)
  })
  const issuer = base
  const state: TestIssuer = {
    issuer,
    clientId,
    clientSecret,
    handedOut: { idTokens: [], accessTokens: [], codes: [] },
    forge: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }

  provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic'
      }
    ],
    jwks: { keys: [privateJwk] },
    claims: { openid: ['sub', ROLES_CLAIM], email: ['email'], profile: ['name'] },
    conformIdTokenClaims: !options.claimsInIdToken,
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx, sub) {
      const account = ACCOUNTS[sub]
      return {
        accountId: sub,
        claims: async () => (account ? { sub, name: account.name, email: account.email, [ROLES_CLAIM]: account.roles } : { sub })
      }
    }
  })

  // The token endpoint's answers: recorded, and forged when a test asks.
  provider.use(async (ctx, next) => {
    if (ctx.method === 'GET' && (ctx.path === '/auth' || ctx.path.startsWith('/auth/'))) {
      await next()
      const code = /[?&]code=([^&]+)/.exec(String(ctx.response.get('location')))?.[1]
      if (code) state.handedOut.codes.push(decodeURIComponent(code))
      return
    }
    await next()
    if (ctx.path !== '/token' || ctx.status !== 200) return
    const body = ctx.body as { id_token?: string; access_token?: string }
    if (body.access_token) state.handedOut.accessTokens.push(body.access_token)
    if (body.id_token && state.forge) {
      const [header, payload] = body.id_token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()))
      const claims = state.forge.claims ? state.forge.claims(payload) : payload
      if (state.forge.unsigned) {
        body.id_token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`
      } else {
        body.id_token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: header.kid }).sign(state.forge.strangerKey ? stranger.privateKey : privateKey)
      }
    }
    if (body.id_token) state.handedOut.idTokens.push(body.id_token)
  })
  return state
}

/** Posts the form on an oidc-provider development page (login or consent), as a person would. */
export function formOf(html: string, base: URL, login: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
  if (!action) throw new Error(`no form on the page:\n${html.slice(0, 500)}`)
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[m[1]!] = m[2]!
  if (/name="login"/.test(html)) fields.login = login
  if (/name="password"/.test(html)) fields.password = 'any'
  return { action: new URL(action.replace(/&amp;/g, '&'), base).href, fields }
}

/**
 * The issuer's side of a sign-in, as a browser goes through it: from the authorization URL,
 * through the login and consent pages, to the redirect back to the service. Cookies of the
 * issuer are kept in `jar` (so a second sign-in of the same browser skips the login page).
 */
export async function throughIssuer(authorizationUrl: string, login: string, jar: Map<string, string> = new Map()): Promise<URL> {
  const request = async (url: string, form?: Record<string, string>) => {
    const headers: Record<string, string> = {}
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded'
    const res = await fetch(url, { method: form ? 'POST' : 'GET', headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const value = pair!.slice(eq + 1).trim()
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(pair!.slice(0, eq).trim())
      else jar.set(pair!.slice(0, eq).trim(), value)
    }
    return res
  }
  const issuerOrigin = new URL(authorizationUrl).origin
  let url = new URL(authorizationUrl)
  let form: Record<string, string> | undefined
  for (let hops = 0; hops < 20; hops++) {
    const res = await request(url.href, form)
    form = undefined
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url)
      if (next.origin !== issuerOrigin) return next
      url = next
      continue
    }
    const html = await res.text()
    if (res.status !== 200) throw new Error(`the issuer answered ${res.status} at ${url.pathname}: ${html.slice(0, 300)}`)
    const page = formOf(html, url, login)
    url = new URL(page.action)
    form = page.fields
  }
  throw new Error('the issuer never sent the browser back')
}
