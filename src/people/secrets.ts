import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * The random values of sign-in and sessions. A browser holds an id (32 random bytes, base64url);
 * the database holds only its SHA-256. What else a flow needs (the session's CSRF token; a
 * sign-in's state, nonce and PKCE verifier) is derived from the id with HMAC, so it is never
 * stored, and whoever reads the database cannot finish a sign-in or forge a token.
 */
const ID = /^[A-Za-z0-9_-]{43}$/

export function newId(): string {
  return randomBytes(32).toString('base64url')
}

/** An id as this service makes them (anything else is not looked up at all). */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value)
}

export function digestOf(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('base64url')
}

function derive(id: string, purpose: string): string {
  return createHmac('sha256', id).update(purpose, 'utf8').digest('base64url')
}

/** The session's CSRF token (api.md: `X-CSRF-Token`, given by GET /api/v1/me). */
export function csrfTokenOf(sessionId: string): string {
  return derive(sessionId, 'vipps-orgs csrf')
}

/** A sign-in's `state`, `nonce` and PKCE `code_verifier` (43 base64url characters, as RFC 7636 asks). */
export function signInChecks(signInId: string): { state: string; nonce: string; codeVerifier: string } {
  return {
    state: derive(signInId, 'vipps-orgs state'),
    nonce: derive(signInId, 'vipps-orgs nonce'),
    codeVerifier: derive(signInId, 'vipps-orgs pkce')
  }
}

/** Equal, compared in constant time (for equal lengths; a length says nothing secret here). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8')
  const b = Buffer.from(expected, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}
