import type { FastifyRequest } from 'fastify'
import { type Problem, problems } from '../http/problems.js'
import { sameSecret } from './secrets.js'

const WRITES = new Set(['POST', 'PUT', 'DELETE', 'PATCH'])

/**
 * A request authenticated by the session cookie that writes must prove it comes from the console:
 * `Origin` equal to PUBLIC_URL's origin (browsers send it with every such request) and
 * `X-CSRF-Token` equal to the session's token (only a page of this origin can read it, from
 * GET /api/v1/me). Either missing or wrong: 403 csrf_failed. Reads and bearer requests are not
 * concerned.
 */
export function csrfRefusal(request: FastifyRequest, csrfToken: string, expectedOrigin: string): Problem | undefined {
  if (!WRITES.has(request.method)) return undefined
  if (request.headers.origin !== expectedOrigin) {
    return problems.csrfFailed(`A write signed in by the session cookie must come from ${expectedOrigin} (its Origin header)`)
  }
  const token = request.headers['x-csrf-token']
  if (typeof token !== 'string' || !sameSecret(token, csrfToken)) {
    return problems.csrfFailed('A write signed in by the session cookie must carry X-CSRF-Token: the csrf_token of GET /api/v1/me')
  }
  return undefined
}
