import type { Environment } from './fields.js'

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.+)$/s
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])
// Schemes that run or read something in the browser instead of calling an app back.
const FORBIDDEN_SCHEMES = new Set(['javascript', 'data', 'file', 'vbscript', 'blob', 'about', 'ftp', 'ws', 'wss'])

/**
 * Why a redirect URI can never be registered, or undefined when its shape is fine.
 * (Whether `http://` fits the environment is `redirectUriEnvironmentError`'s question.)
 */
export function redirectUriShapeError(uri: string): string | undefined {
  if (/[\s\p{C}]/u.test(uri)) return 'must not contain whitespace or control characters'
  if (uri.includes('#')) return 'must not have a fragment (#…)'
  const match = SCHEME.exec(uri)
  if (!match) return 'must be an absolute URI: https://…, or an app scheme such as myapp://callback'
  const scheme = match[1]!.toLowerCase()
  if (FORBIDDEN_SCHEMES.has(scheme)) return `the ${scheme}: scheme is not allowed`
  if (scheme === 'https' || scheme === 'http') {
    // WHATWG URL would read https:///cb as https://cb/: the host must follow :// directly.
    if (match[2]!.startsWith('/')) return 'must name a host'
    let url: URL
    try {
      url = new URL(uri)
    } catch {
      return 'is not a valid URL'
    }
    if (url.hostname === '') return 'must name a host'
    if (url.username !== '' || url.password !== '') return 'must not carry a user name or password'
    if (scheme === 'http' && !LOOPBACK.has(url.hostname)) {
      return 'http:// is only allowed for localhost, 127.0.0.1 or [::1]; use https://'
    }
  }
  return undefined
}

/** http:// (loopback only, by the shape rule) is for local development against the test environment. */
export function redirectUriEnvironmentError(uri: string, environment: Environment): string | undefined {
  if (environment === 'production' && /^http:\/\//i.test(uri)) {
    return 'http:// redirect URIs are only allowed in the test environment'
  }
  return undefined
}
