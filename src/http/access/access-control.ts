import type { IncomingMessage } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../config.js'
import { problems } from '../problems.js'
import { BootstrapTokens, type CredentialResolver, type RequestHead, type Resolution } from './credentials.js'
import { BadCredentialLimiter } from './failures.js'
import { ANONYMOUS, type Principal } from './principal.js'
import { grantAllows, type Right, type RouteAccess } from './rights.js'

/** An OpenAPI security scheme object (`components.securitySchemes`). */
export type SecurityScheme = Record<string, unknown>

const CHALLENGE = 'Bearer realm="vipps-orgs"'
const INVALID_CHALLENGE = 'Bearer realm="vipps-orgs", error="invalid_token"'

/** The open mode's principal: no credential, every right. */
const OPEN: Principal = Object.freeze({
  actor: ANONYMOUS,
  grant: Object.freeze({ role: 'admin' as const, orgIds: null }),
  expiresAt: null,
  via: 'open' as const
})

/** A request without a credential where one is needed to sign in: no right but the public ones. */
const NO_CREDENTIAL: Principal = Object.freeze({ actor: ANONYMOUS, grant: null, expiresAt: null, via: 'open' as const })

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function'
}

/**
 * Who may do what: resolves each request's credential to a Principal (bootstrap tokens, and the
 * resolvers features register: API keys, sessions) and holds it against the right its route
 * declares. Open mode (no way to sign in configured): requests without a credential may do
 * everything. Otherwise rights open to requests without a credential: reads unless
 * AUTH_READS=true, org writes with AUTH_DISABLED=true. A credential that is presented is always
 * checked, and held to its own grant.
 */
export class AccessControl {
  readonly open: boolean
  private readonly withoutCredential: Principal
  private readonly publicRights: ReadonlySet<Right>
  /** The registered resolvers, then the bootstrap tokens (any Authorization header left over). */
  private readonly resolvers: CredentialResolver[]
  private readonly schemes: Record<string, SecurityScheme> = {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      description: 'An API key (`vok_…`, POST /api/v1/api-keys) or a bootstrap token (ADMIN_TOKENS)'
    }
  }
  readonly limiter = new BadCredentialLimiter()

  constructor(config: Config) {
    this.open = config.openAccess
    this.withoutCredential = config.openAccess ? OPEN : NO_CREDENTIAL
    const publicRights: Right[] = []
    if (!config.readsNeedToken) publicRights.push('orgs:read', 'events:read')
    if (config.writesOpen) publicRights.push('orgs:write')
    this.publicRights = new Set(publicRights)
    const bootstrap = new BootstrapTokens(config.adminTokens)
    this.resolvers = [
      {
        name: 'bootstrap-token',
        presented: (head) => head.headers.authorization !== undefined,
        resolve: (request) => bootstrap.resolve(request.headers),
        resolveNow: (head) => bootstrap.resolve(head.headers) ?? undefined
      }
    ]
  }

  /** Adds a kind of credential; asked before the bootstrap tokens, after those added earlier. */
  addCredentialResolver(resolver: CredentialResolver): void {
    this.resolvers.splice(this.resolvers.length - 1, 0, resolver)
  }

  /** Adds a security scheme to the OpenAPI document; every operation lists it as a way in. */
  addSecurityScheme(name: string, scheme: SecurityScheme): void {
    this.schemes[name] = scheme
  }

  securitySchemes(): Record<string, SecurityScheme> {
    return { ...this.schemes }
  }

  /** An operation's `security` in the OpenAPI document: `{}` first where no credential is needed. */
  securityOf(access: RouteAccess): Record<string, string[]>[] {
    const schemes = Object.keys(this.schemes).map((name) => ({ [name]: [] }))
    return this.needsNoCredential(access) ? [{}, ...schemes] : schemes
  }

  /** Whether a request without any credential gets through. */
  needsNoCredential(access: RouteAccess): boolean {
    return this.open || (access !== 'authenticated' && this.publicRights.has(access))
  }

  /**
   * For the answers made before routing: the principal when it may use `right` and is known at
   * once; otherwise undefined, and the request goes through Fastify (which answers 401, 403, 429,
   * or waits for a resolver's promise).
   */
  principalNow(req: IncomingMessage, right: Right): Principal | undefined {
    let principal = this.withoutCredential
    const resolver = this.resolverFor(req)
    if (resolver) {
      if (!resolver.resolveNow || this.limiter.retryAfter(req.socket.remoteAddress ?? '') > 0) return undefined
      const found = resolver.resolveNow(req)
      if (!found) return undefined
      principal = found
    }
    return this.allows(principal, right) ? principal : undefined
  }

  /** The onRequest hook's work: sets request.principal, or answers 401, 403 or 429. A callback: no promise unless a resolver makes one. */
  check(request: FastifyRequest, reply: FastifyReply, access: RouteAccess, done: (err?: Error) => void): void {
    const resolver = this.resolverFor(request.raw)
    if (!resolver) return done(this.decide(request, access, this.withoutCredential))
    const address = request.ip
    const wait = this.limiter.retryAfter(address)
    if (wait > 0) {
      return done(problems.rateLimited(`Too many bad credentials from this address; try again in ${wait} s`, wait))
    }
    let resolution: Resolution | Promise<Resolution>
    try {
      resolution = resolver.resolve(request, reply)
    } catch (err) {
      return done(err as Error)
    }
    if (isPromise(resolution)) {
      resolution.then((settled) => done(this.settle(request, access, settled, address)), done)
    } else {
      done(this.settle(request, access, resolution, address))
    }
  }

  private settle(request: FastifyRequest, access: RouteAccess, resolution: Resolution, address: string): Error | undefined {
    if (resolution === null) {
      this.limiter.recordFailure(address)
      return problems.unauthorized('The credential is not valid: unknown, expired or revoked', INVALID_CHALLENGE)
    }
    return this.decide(request, access, resolution ?? this.withoutCredential)
  }

  private decide(request: FastifyRequest, access: RouteAccess, principal: Principal): Error | undefined {
    request.principal = principal
    if (access === 'authenticated' ? principal !== NO_CREDENTIAL : this.allows(principal, access)) return undefined
    if (principal === NO_CREDENTIAL) {
      return problems.unauthorized('This request needs a credential: Authorization: Bearer <API key or token>', CHALLENGE)
    }
    const who = principal.grant === null ? 'no role' : `the ${principal.grant.orgIds ? 'org-limited ' : ''}role ${principal.grant.role}`
    return problems.forbidden(access as Right, `This request needs the right ${access}, which ${who} does not have`)
  }

  /**
   * A credential is held to its grant alone (a viewer's key does not write because writes are
   * open to requests without one); the public rights are for requests that present none.
   */
  private allows(principal: Principal, right: Right): boolean {
    return principal === NO_CREDENTIAL ? this.publicRights.has(right) : grantAllows(principal.grant, right)
  }

  /** The resolver that decides for this request; undefined when it carries no credential. */
  private resolverFor(head: RequestHead): CredentialResolver | undefined {
    for (const resolver of this.resolvers) if (resolver.presented(head)) return resolver
    return undefined
  }
}
