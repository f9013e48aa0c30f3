import { timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type AdminToken, digestToken } from '../../config.js'
import type { Principal } from './principal.js'

/** What a resolver sees of a request before it is routed: its headers (the fast path has no more). */
export interface RequestHead {
  headers: IncomingHttpHeaders
}

/**
 * A resolver's answer: who is asking; `null` for a credential of its kind that is not valid
 * (unknown, expired, revoked: 401, and it counts towards the address's limit of bad credentials);
 * `undefined` for none after all (an ended session's cookie: the request goes on as one without a
 * credential).
 */
export type Resolution = Principal | null | undefined

/**
 * One kind of credential (API keys, people's sessions, …), registered by the feature that owns it
 * with `app.access.addCredentialResolver`. For each request the resolvers are asked in the order
 * they were registered; the first that sees its credential (`presented`) decides alone. A request
 * whose Authorization header no resolver claims is checked against the bootstrap tokens
 * (ADMIN_TOKENS), and is a bad credential if it matches none.
 */
export interface CredentialResolver {
  /** For logs and errors: `api-key`, `session`, … */
  readonly name: string
  /** Whether the request carries this kind of credential: a look at a header, nothing more. */
  presented(head: RequestHead): boolean
  /**
   * Who it is. May answer a promise (a lookup in the database), set headers on the reply (clear
   * a cookie) or throw a Problem (such as 403 csrf_failed), which is the answer.
   */
  resolve(request: FastifyRequest, reply: FastifyReply): Resolution | Promise<Resolution>
  /**
   * The same answer at once, for the reads answered before routing (the fast path): a Principal,
   * or undefined to let the request go through Fastify (and `resolve`). No I/O, no reply; noting
   * that a key was used (in memory) is fine. Without it, requests carrying this credential always
   * go through Fastify.
   */
  resolveNow?(head: RequestHead): Principal | undefined
}

const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization
  return header === undefined ? undefined : BEARER.exec(header)?.[1]
}

/**
 * The bootstrap tokens (ADMIN_TOKENS): role admin, for provisioning and break-glass. Every
 * configured token is compared, in constant time, whatever matched first.
 */
export class BootstrapTokens {
  private readonly principals: { digest: Buffer; principal: Principal }[]

  constructor(tokens: readonly AdminToken[]) {
    this.principals = tokens.map(({ actor, digest }) => ({
      digest,
      principal: Object.freeze({
        actor: Object.freeze({ type: 'token' as const, id: actor, name: actor }),
        grant: Object.freeze({ role: 'admin' as const, orgIds: null }),
        expiresAt: null,
        via: 'bearer' as const
      })
    }))
  }

  /** The principal of an Authorization header that is a bootstrap token; null for any other. */
  resolve(headers: IncomingHttpHeaders): Principal | null {
    const token = bearerToken(headers)
    if (token === undefined) return null
    const digest = digestToken(token)
    let found: Principal | null = null
    for (const candidate of this.principals) {
      if (timingSafeEqual(digest, candidate.digest) && found === null) found = candidate.principal
    }
    return found
  }
}
