import type { FastifyInstance, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import { answersMethodNotAllowed } from '../method-not-allowed.js'
import { problemResponse } from '../problems.js'
import { AccessControl } from './access-control.js'
import { meRoute } from './me.js'
import type { Principal } from './principal.js'
import { isRight, type RouteAccess } from './rights.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Who may do what: credential resolvers, the role table, the OpenAPI security (see AccessControl). */
    access: AccessControl
  }
  interface FastifyRequest {
    /** Who is asking; set on every route that declares `config.right`. */
    principal: Principal
  }
  interface FastifyContextConfig {
    /** What the route needs: a right of the vocabulary (rights.ts), or `authenticated`. Every /api/ route says. */
    right?: RouteAccess
  }
}

/** The responses access adds to every operation that declares a right. */
export const ACCESS_RESPONSES = {
  401: problemResponse('No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which)'),
  403: problemResponse('The credential lacks the right this needs (the problem names it)'),
  404: problemResponse('Not found, or outside the orgs the credential is limited to (the same answer)')
}

function declared(route: RouteOptions): RouteAccess | undefined {
  const right = route.config?.right
  if (right === undefined) {
    if (route.url.startsWith('/api/') && !answersMethodNotAllowed(route)) {
      throw new Error(`${String(route.method)} ${route.url} declares no right: every /api/ route says what it needs in config.right`)
    }
    return undefined
  }
  if (right !== 'authenticated' && !isRight(right)) throw new Error(`${String(route.method)} ${route.url} declares an unknown right: ${String(right)}`)
  return right
}

/**
 * Access for the whole app: every route states what it needs in its own declaration
 * (`config: { right: 'orgs:write' }`), and this one onRequest hook enforces it before the body
 * is read, for every route. A route under /api/ that declares nothing stops the app at start.
 * Serves GET /api/v1/me.
 */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const access = new AccessControl(config)
    app.decorate('access', access)
    app.decorateRequest('principal', null as unknown as Principal)
    app.addHook('onRoute', (route) => {
      declared(route)
    })
    app.addHook('onRequest', (request, reply, done) => {
      const right = request.routeOptions.config.right
      if (right === undefined) return done()
      access.check(request, reply, right, done)
    })
    await app.register(meRoute)
  },
  { name: 'access' }
)
