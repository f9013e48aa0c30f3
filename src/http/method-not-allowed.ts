import type { FastifyInstance, HTTPMethods, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { problems } from './problems.js'

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const GENERATED = Symbol('method-not-allowed')

declare module 'fastify' {
  interface FastifyContextConfig {
    [GENERATED]?: true
  }
}

/**
 * 405 with the right `Allow` for every other method on a known path, derived from the routes
 * that are registered. `collectRoutes` goes first (it sees every route registered after it);
 * `answerOtherMethods` goes last and adds one hidden route per path for the methods it lacks.
 */
/** Whether a route is one of the 405 answers made here (they need no right: they only say which methods exist). */
export function answersMethodNotAllowed(route: RouteOptions): boolean {
  return route.config?.[GENERATED] === true
}

const allowedByUrl = new WeakMap<FastifyInstance, Map<string, Set<string>>>()

export const collectRoutes = fp(
  async (app: FastifyInstance) => {
    const byUrl = new Map<string, Set<string>>()
    allowedByUrl.set(app, byUrl)
    app.addHook('onRoute', (route: RouteOptions) => {
      if (route.config?.[GENERATED] || route.url.includes('*')) return
      const url = route.url.length > 1 ? route.url.replace(/\/$/, '') : route.url
      const methods = byUrl.get(url) ?? new Set<string>()
      for (const method of [route.method].flat()) methods.add(method)
      byUrl.set(url, methods)
    })
  },
  { name: 'collect-routes' }
)

export const answerOtherMethods = fp(
  async (app: FastifyInstance) => {
    const byUrl = allowedByUrl.get(app)
    if (!byUrl) throw new Error('register collectRoutes before the routes')
    for (const [url, methods] of byUrl) {
      const allow = METHODS.filter((method) => methods.has(method))
      const others = METHODS.filter((method) => !methods.has(method))
      if (allow.length === 0 || others.length === 0) continue
      const problem = (method: string) => problems.methodNotAllowed(method, allow.join(', '))
      app.route({
        method: others as HTTPMethods[],
        url,
        config: { [GENERATED]: true },
        schema: { hide: true },
        handler: async (request) => {
          throw problem(request.method)
        }
      })
    }
  },
  { name: 'answer-other-methods', dependencies: ['collect-routes'] }
)
