import { randomUUID } from 'node:crypto'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import { type DatabaseHandle, openDatabase } from './db/connect.js'
import { migrateToLatest } from './db/migrate.js'
import { registerProblemHandlers, sendProblem } from './http/error-handler.js'
import { Problem } from './http/problems.js'
import { registerHealthRoutes } from './http/health.js'
import { validatorCompiler } from './http/validation.js'
import { startChangeListener } from './orgs/cache-invalidation.js'
import { KyselyOrgStore } from './orgs/kysely-store.js'
import { OrgReadCache } from './orgs/read-cache.js'
import { BASE_PATH, orgRoutes } from './orgs/routes.js'
import { OrgService } from './orgs/service.js'

export const BODY_LIMIT = 16 * 1024
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export interface AppOptions {
  logger?: FastifyServerOptions['logger']
}

/** The whole service as a Fastify instance: used by the server and, without a port, by the tests. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers["idempotency-key"]']
    },
    bodyLimit: BODY_LIMIT,
    // While shutting down, requests already accepted are served, not answered 503.
    return503OnClosing: false,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Errors raised by the router before any route runs (bad URL encoding, overlong parameter).
    frameworkErrors: (err, request, reply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      const problem = tooLong
        ? new Problem(414, 'uri_too_long', 'A path segment is longer than 256 characters')
        : new Problem(400, 'bad_request', 'The request URL is not valid')
      sendProblem(reply, problem, request)
    }
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setValidatorCompiler(validatorCompiler())
  registerProblemHandlers(app)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })

  // JSON only: no text/plain bodies. A DELETE may carry Content-Type: application/json and no body.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && request.method === 'DELETE') return done(null, undefined)
    parseJson(request, body as string, done)
  })

  // The headers that matter for a JSON API (OWASP REST Security): HSTS, nosniff, no framing, no
  // referrer. Those for HTML documents (CSP, COOP/CORP, DNS prefetch, …) are left out; the docs
  // page sets its own CSP.
  await app.register(helmet, {
    contentSecurityPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' }
  })
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Idempotent-Replayed', 'Retry-After'],
      maxAge: 600
    })
  }
  await app.register(rateLimit, { global: false })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'vipps-orgs',
        version: '1.0.0',
        description: 'Per-organization "Log in with Vipps" (Vipps MobilePay Login) configuration'
      },
      tags: [{ name: 'orgs', description: 'Vipps configuration of organizations' }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } }
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  const database = openDatabase(config, app.log)
  app.addHook('onClose', () => database.close())
  try {
    await migrateToLatest(database.db)
    const cache = new OrgReadCache(config.cache)
    const service = new OrgService(new KyselyOrgStore(database.db), cache)
    await startCacheInvalidation(app, config, database, cache)
    registerHealthRoutes(app, database)
    await app.register(orgRoutes, { prefix: BASE_PATH, service, config })
    await app.ready()
  } catch (err) {
    await app.close()
    throw err
  }
  return app
}

/** On PostgreSQL other instances write too: listen for their changes (SQLite has one writer, this process). */
async function startCacheInvalidation(app: FastifyInstance, config: Config, database: DatabaseHandle, cache: OrgReadCache) {
  if (database.dialect !== 'postgres') return
  const listener = await startChangeListener(config.databaseUrl, cache, app.log)
  app.addHook('preClose', () => listener.stop())
}
