import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { type Config, digestToken } from '../config.js'
import { Problem } from './problems.js'

const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i

/** The actor behind a presented bearer token, or undefined; every token is compared, in constant time. */
function actorForToken(config: Config, token: string): string | undefined {
  const digest = digestToken(token)
  let actor: string | undefined
  for (const candidate of config.adminTokens) {
    if (timingSafeEqual(digest, candidate.digest) && actor === undefined) actor = candidate.actor
  }
  return actor
}

function unauthorized(detail: string, invalidToken: boolean): Problem {
  const challenge = invalidToken ? 'Bearer realm="vipps-orgs", error="invalid_token"' : 'Bearer realm="vipps-orgs"'
  return new Problem(401, 'unauthorized', detail, undefined, { 'www-authenticate': challenge })
}

/**
 * Who is asking: the actor of a valid admin token; `anonymous` where no token is needed.
 * Throws 401 when a token is needed and missing or wrong.
 */
export function authenticate(config: Config, request: FastifyRequest, kind: 'read' | 'write'): string {
  const header = request.headers.authorization
  const match = header === undefined ? null : BEARER.exec(header)
  const actor = match ? actorForToken(config, match[1]!) : undefined
  if (actor) return actor
  const open = kind === 'write' ? config.writesOpen : !config.readsNeedToken
  if (open) return 'anonymous'
  if (header === undefined) throw unauthorized('This request needs Authorization: Bearer <token>', false)
  throw unauthorized('The bearer token is not valid', true)
}
