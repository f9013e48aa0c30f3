import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import { type Config, digestToken } from '../config.js'
import { problems } from './problems.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: the admin token's name, `admin`, or `anonymous` where no token is needed. */
    actor: string
  }
}

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

function unauthorized(detail: string, invalidToken: boolean) {
  const challenge = invalidToken ? 'Bearer realm="vipps-orgs", error="invalid_token"' : 'Bearer realm="vipps-orgs"'
  return problems.unauthorized(detail, challenge)
}

/**
 * What a request may do without a token: `read` is open unless AUTH_READS=true; `write` is open
 * when no ADMIN_TOKENS are set or AUTH_DISABLED=true; `admin` (requests that make the server
 * call out, such as webhooks) is open only when no ADMIN_TOKENS are set.
 */
export type Access = 'read' | 'write' | 'admin'

function openWithoutToken(config: Config, access: Access): boolean {
  if (access === 'read') return !config.readsNeedToken
  if (access === 'write') return config.writesOpen
  return config.adminTokens.length === 0 && config.oidc === undefined
}

/** The operation's security requirement for the OpenAPI document: `{}` says "or no token". */
export function securityOf(config: Config, access: Access): Record<string, string[]>[] {
  const bearer = { bearerAuth: [] }
  return openWithoutToken(config, access) ? [{}, bearer] : [bearer]
}

/**
 * Who is asking: the actor of a valid admin token; `anonymous` where no token is needed.
 * Throws 401 when a token is needed and missing or wrong.
 */
export function authenticate(config: Config, request: FastifyRequest, access: Access): string {
  const header = request.headers.authorization
  const match = header === undefined ? null : BEARER.exec(header)
  const actor = match ? actorForToken(config, match[1]!) : undefined
  if (actor) return actor
  if (openWithoutToken(config, access)) return 'anonymous'
  if (header === undefined) throw unauthorized('This request needs Authorization: Bearer <token>', false)
  throw unauthorized('The bearer token is not valid', true)
}

/**
 * An onRequest hook that sets `request.actor` or answers 401, before the body is read (a 401 says
 * nothing about the body). A callback hook: no promise per request on the hot path.
 */
export function requireAccess(config: Config, access: Access): onRequestHookHandler {
  return (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    try {
      request.actor = authenticate(config, request, access)
      done()
    } catch (err) {
      done(err as Error)
    }
  }
}
