import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import './tracing.js'

/**
 * OpenTelemetry traces when an OTLP endpoint is configured (config.tracing): `app.tracing`, and a
 * span per request. Registered first, so its request hook runs before every other and the whole
 * request runs inside its span. Off, it sets `app.tracing` to null and loads nothing of the SDK.
 *
 * With tracing on, the fast path (src/http/fast-path.ts) hands every request to Fastify: a hot
 * read answered before routing would have no span. That costs what the fast path saves
 * (bench/README.md, "Traces").
 */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    if (!config.tracing) {
      app.decorate('tracing', null)
      return
    }
    const { startTracing } = await import('./sdk.js')
    const tracing = startTracing(config.tracing, app.log)
    app.decorate('tracing', tracing)
    await app.register(tracing.requestSpans)
    app.fastPaths.skipWhen(() => true)
    // What is finished is sent when the app closes.
    app.addHook('onClose', () => tracing.shutdown())
  },
  { name: 'tracing' }
)
