import * as client from 'openid-client'
import type { OidcConfig } from '../config.js'

/** What a completed sign-in tells about the person. */
export interface SignedIn {
  subject: string
  /** Email, else name, else preferred_username, else sub. */
  name: string
  /** The roles claim's value as the issuer sent it (ID token first, else userinfo); undefined when absent. */
  roles: unknown
}

/** The sign-in cannot go on: a check failed or the issuer refused. The person starts again (400). */
export class SignInFailed extends Error {
  override name = 'SignInFailed'
}

/** The issuer did not answer (or not as an issuer): try again later (503). */
export class IssuerUnavailable extends Error {
  override name = 'IssuerUnavailable'
}

const TIMEOUT_SECONDS = 10
const WANTED_SCOPES = ['openid', 'email', 'profile']
const MAX_NAME = 256

/** Another attempt at discovery after a failure waits this long (the issuer may be down). */
const RETRY_DISCOVERY_MS = 5_000

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_NAME) : undefined
}

/** A network failure, a timeout, or an answer that is not an issuer's: the issuer is unavailable. */
function unavailable(err: unknown): boolean {
  if (err instanceof TypeError) return true
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return true
  const code = (err as { code?: unknown }).code
  return code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON'
}

/** Why a check failed, in the library's own words (no token or code is part of them). */
function reasonOf(err: unknown): string {
  if (err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError) {
    return `the identity provider answered ${err.error}`
  }
  const cause = (err as { cause?: unknown }).cause
  const message = cause instanceof Error && cause.message ? cause.message : err instanceof Error ? err.message : 'unknown error'
  return message.slice(0, 200)
}

/**
 * This service as an OpenID Connect relying party (openid-client does every protocol step and
 * check): discovery, the authorization request (code, PKCE S256, state, nonce), the code's
 * exchange with the ID token's checks (signature against the issuer's JWKS, iss, aud, exp, nonce,
 * and the RFC 9207 `iss` of the response where the issuer sends it), userinfo, end-session.
 * Discovery happens at the first sign-in, not at start: the service serves while an issuer is down.
 */
export class RelyingParty {
  private discovered: Promise<client.Configuration> | undefined
  private failedAt = 0

  constructor(private readonly settings: OidcConfig) {}

  private configuration(): Promise<client.Configuration> {
    if (!this.discovered) {
      if (Date.now() - this.failedAt < RETRY_DISCOVERY_MS) return Promise.reject(new IssuerUnavailable('the identity provider did not answer a moment ago'))
      this.discovered = this.discover().catch((err: unknown) => {
        this.discovered = undefined
        this.failedAt = Date.now()
        // Down, or not answering as the issuer configured (a wrong OIDC_ISSUER): either way no sign-in now.
        throw new IssuerUnavailable(`discovery of ${this.settings.issuer} failed: ${reasonOf(err)}`)
      })
    }
    return this.discovered
  }

  private async discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings
    const insecure = new URL(issuer).protocol === 'http:'
    const found = await client.discovery(new URL(issuer), clientId, undefined, undefined, {
      timeout: TIMEOUT_SECONDS,
      ...(insecure ? { execute: [client.allowInsecureRequests] } : {})
    })
    const metadata = found.serverMetadata()
    // RFC 8414: an issuer that lists no methods takes client_secret_basic.
    const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic']
    const auth = !clientSecret
      ? client.None()
      : methods.includes('client_secret_basic')
        ? client.ClientSecretBasic(clientSecret)
        : client.ClientSecretPost(clientSecret)
    const configuration = new client.Configuration(metadata, clientId, undefined, auth)
    configuration.timeout = TIMEOUT_SECONDS
    if (insecure) client.allowInsecureRequests(configuration)
    // The ID token's signature is checked against the issuer's JWKS too, not only the TLS of the
    // token endpoint (which OIDC Core allows): a proxy or a compromised route cannot slip one in.
    client.enableNonRepudiationChecks(configuration)
    return configuration
  }

  private scopeOf(configuration: client.Configuration): string {
    const supported = configuration.serverMetadata().scopes_supported
    return WANTED_SCOPES.filter((scope) => scope === 'openid' || !supported || supported.includes(scope)).join(' ')
  }

  /** The issuer's authorization URL for this sign-in. */
  async authorizationUrl(checks: { state: string; nonce: string; codeVerifier: string }): Promise<URL> {
    const configuration = await this.configuration()
    return client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      scope: this.scopeOf(configuration),
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256'
    })
  }

  /**
   * Completes a sign-in from the query of the callback: every check passes or SignInFailed
   * (IssuerUnavailable when the issuer does not answer).
   */
  async complete(callbackQuery: string, checks: { state: string; nonce: string; codeVerifier: string }): Promise<SignedIn> {
    const configuration = await this.configuration()
    const current = new URL(this.settings.redirectUri)
    current.search = callbackQuery
    try {
      const tokens = await client.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true
      })
      const claims = tokens.claims()
      if (!claims) throw new SignInFailed('the identity provider sent no ID token')
      const { rolesClaim } = this.settings
      let userinfo: client.UserInfoResponse | undefined
      const needsUserinfo = claims[rolesClaim] === undefined || (text(claims.email) === undefined && text(claims.name) === undefined)
      if (needsUserinfo && configuration.serverMetadata().userinfo_endpoint) {
        userinfo = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub)
      }
      const name = text(claims.email) ?? text(userinfo?.email) ?? text(claims.name) ?? text(userinfo?.name) ?? text(claims.preferred_username) ?? claims.sub
      return { subject: claims.sub, name, roles: claims[rolesClaim] ?? userinfo?.[rolesClaim] }
    } catch (err) {
      if (err instanceof SignInFailed) throw err
      if (unavailable(err)) throw new IssuerUnavailable(`the identity provider did not answer: ${reasonOf(err)}`)
      throw new SignInFailed(reasonOf(err))
    }
  }

  /** Where the browser goes to end the person's session at the issuer too, if it offers that (RP-Initiated Logout). */
  async endSessionUrl(postLogoutRedirectUri: string): Promise<string | null> {
    let configuration: client.Configuration
    try {
      configuration = await this.configuration()
    } catch {
      return null
    }
    if (!configuration.serverMetadata().end_session_endpoint) return null
    return client.buildEndSessionUrl(configuration, { post_logout_redirect_uri: postLogoutRedirectUri }).href
  }
}
