import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import backups from './db/backups.js'
import database from './db/plugin.js'
import { problemHandlers } from './http/error-handler.js'
import { healthRoutes } from './http/health.js'
import { jsonBody } from './http/json-body.js'
import access from './http/access/plugin.js'
import { FastPaths, serverWithFastPaths } from './http/fast-path.js'
import { answerOtherMethods, collectRoutes } from './http/method-not-allowed.js'
import cookie from './http/plugins/cookie.js'
import cors from './http/plugins/cors.js'
import openapi from './http/plugins/openapi.js'
import rateLimit from './http/plugins/rate-limit.js'
import securityHeaders from './http/plugins/security-headers.js'
import { requestContext } from './http/request-context.js'
import { serverOptions } from './http/server-options.js'
import tracing from './http/tracing/plugin.js'
import { closeServer, listenNow, Startup } from './http/startup.js'
import { validatorCompiler } from './http/validation.js'
import apiKeys from './api-keys/index.js'
import changeRequests from './change-requests/index.js'
import adminConsole from './console/index.js'
import events from './events/index.js'
import metrics from './metrics/index.js'
import orgs from './orgs/index.js'
import people from './people/index.js'
import webhooks from './webhooks/index.js'

export interface AppOptions {
  logger?: FastifyServerOptions['logger']
  /** The built admin console to serve at /console/ (default: where `npm run build` puts it). */
  consoleDir?: string
  /** Listen here at once, answering 503 while the app loads (the server; tests listen when it is ready). */
  listen?: { port: number; host: string }
}

/** What /readyz names while the app loads, in the order it is loaded. */
const LOADING = ['the database (connection, migrations)', 'the orgs (list index, caches)', 'the change feed, webhooks, API keys and sessions', 'the console and the routes']

/** The whole service as a Fastify instance: used by the server and, without a port, by the tests. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const fastPaths = new FastPaths()
  const startup = options.listen ? new Startup(LOADING) : undefined
  const app = Fastify({ ...serverOptions(config, options.logger), serverFactory: serverWithFastPaths(fastPaths, startup) }).withTypeProvider<TypeBoxTypeProvider>()
  app.decorate('fastPaths', fastPaths)
  fastPaths.attach(app)
  app.setValidatorCompiler(validatorCompiler())
  if (options.listen) app.log.info(`Server listening at ${await listenNow(app.server, options.listen.port, options.listen.host)}; starting`)
  try {
    // Traces first (when configured): each request runs inside its span, from its first hook on.
    await app.register(tracing, { config })
    // The HTTP layer: errors, request ids, bodies, headers, limits, the OpenAPI document.
    await app.register(problemHandlers)
    await app.register(collectRoutes)
    await app.register(requestContext)
    await app.register(jsonBody)
    await app.register(securityHeaders)
    await app.register(cookie)
    await app.register(cors, { config })
    await app.register(rateLimit)
    await app.register(openapi, { config })
    await app.register(access, { config })
    await startup?.loading(LOADING[0]!)
    await app.register(database, { config, ...(app.tracing ? { tracer: app.tracing.tracer } : {}) })
    await app.register(backups, { config })
    await app.register(healthRoutes)
    // The features. Metrics first: it times every route registered after it.
    await app.register(metrics, { config })
    await startup?.loading(LOADING[1]!)
    await app.register(orgs, { config })
    await app.register(changeRequests, { config })
    await startup?.loading(LOADING[2]!)
    await app.register(events)
    await app.register(webhooks, { config })
    await app.register(apiKeys, { config })
    await app.register(people, { config })
    await startup?.loading(LOADING[3]!)
    await app.register(adminConsole, { dir: options.consoleDir })
    // Last: every known path answers other methods with 405.
    await app.register(answerOtherMethods)
    // Fastify closes only a server it listened on itself: this one, after the other preClose hooks, as Fastify would.
    if (options.listen) app.addHook('preClose', () => closeServer(app.server))
    await app.ready()
  } catch (err) {
    await app.close()
    if (options.listen) await closeServer(app.server)
    throw err
  }
  if (startup) app.log.info({ ms: Math.round(startup.finish()), turnedAway: startup.turnedAway }, 'ready: serving')
  return app
}
