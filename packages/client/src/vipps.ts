import type { components } from './openapi.js'

type Environment = components['schemas']['Environment']

/** Vipps Login hosts per environment (Vipps's published OpenID discovery documents). */
export const VIPPS_BASE_URLS: Record<Environment, string> = {
  test: 'https://apitest.vipps.no',
  production: 'https://api.vipps.no'
}

export const VIPPS_DISCOVERY_PATH = '/access-management-1.0/access/.well-known/openid-configuration'
const VIPPS_ISSUER_PATH = '/access-management-1.0/access/'
const VIPPS_AUTHORIZE_PATH = '/access-management-1.0/access/oauth2/auth'

/** The parts of an org's config the authorize URL needs (an `OrgConfig` fits). */
export interface VippsLoginConfig {
  client_id: string
  redirect_uri: string
  scopes: readonly string[]
  environment: Environment
}

export interface AuthorizeUrlOptions {
  /** At least 8 characters (Vipps redirects back with an error otherwise): bind it to the user's session. */
  state: string
  nonce?: string
  /** BASE64URL(SHA-256(code_verifier)), sent with `code_challenge_method=S256`. */
  codeChallenge: string
  /** Another host than Vipps's for the org's environment (a test provider); production leaves it out. */
  baseUrl?: string
}

function baseOf(environment: Environment, baseUrl?: string): string {
  return (baseUrl ?? VIPPS_BASE_URLS[environment]).replace(/\/+$/, '')
}

/** `<base>/access-management-1.0/access/`: the issuer the ID token must name. */
export function vippsIssuer(environment: Environment, baseUrl?: string): string {
  return baseOf(environment, baseUrl) + VIPPS_ISSUER_PATH
}

/** Where the environment's OpenID discovery document lives. */
export function vippsDiscoveryUrl(environment: Environment, baseUrl?: string): string {
  return baseOf(environment, baseUrl) + VIPPS_DISCOVERY_PATH
}

/**
 * The Vipps Login authorize URL for an org: `response_type=code`, the org's `client_id`,
 * `redirect_uri` and scopes (space-separated), `state`, optional `nonce`, PKCE S256.
 * The authorization endpoint is the one Vipps's discovery document names for the environment.
 */
export function buildVippsAuthorizeUrl(config: VippsLoginConfig, options: AuthorizeUrlOptions): string {
  if (typeof options.state !== 'string' || options.state.length < 8) {
    throw new RangeError('state must be at least 8 characters (Vipps rejects shorter ones)')
  }
  if (!/^[A-Za-z0-9_-]{43,128}$/.test(options.codeChallenge)) {
    throw new RangeError('codeChallenge must be the base64url SHA-256 of the code verifier (43 characters)')
  }
  if (config.scopes.length === 0) throw new RangeError('scopes must not be empty')
  const url = new URL(baseOf(config.environment, options.baseUrl) + VIPPS_AUTHORIZE_PATH)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', config.client_id)
  url.searchParams.set('redirect_uri', config.redirect_uri)
  url.searchParams.set('scope', config.scopes.join(' '))
  url.searchParams.set('state', options.state)
  if (options.nonce !== undefined) url.searchParams.set('nonce', options.nonce)
  url.searchParams.set('code_challenge', options.codeChallenge)
  url.searchParams.set('code_challenge_method', 'S256')
  return url.toString()
}

/** A PKCE pair (RFC 7636, S256): keep `verifier` in the session, send `challenge` in the URL. */
export async function createPkcePair(): Promise<{ verifier: string; challenge: string }> {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  const verifier = base64url(bytes)
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return { verifier, challenge: base64url(new Uint8Array(digest)) }
}

function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
