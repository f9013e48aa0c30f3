import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'

/** Browsers on CORS_ORIGINS may call the API; off (no CORS headers at all) when none are set. */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    if (config.corsOrigins.length === 0) return
    // A browser's cross-origin request gets its CORS headers from the plugin: never a fast answer.
    app.fastPaths.skipWhen((req) => req.headers.origin !== undefined)
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Idempotent-Replayed', 'Retry-After'],
      maxAge: 600
    })
  },
  { name: 'cors' }
)
