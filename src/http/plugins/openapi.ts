import { createHash } from 'node:crypto'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import { documentRequestIds, hoistTitledSchemas } from '../openapi-document.js'

/**
 * swagger-ui's one inline style: the <style> element React writes inside the topbar's small logo
 * (an SVG in swagger-ui-standalone-preset.js). Allowed by its hash, not by 'unsafe-inline'; if an
 * upgrade of swagger-ui changes it, the /docs browser test sees the CSP error.
 */
const SWAGGER_LOGO_STYLE = '.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}'
const SWAGGER_LOGO_STYLE_HASH = `sha256-${createHash('sha256').update(SWAGGER_LOGO_STYLE).digest('base64')}`

/**
 * The Content-Security-Policy of the swagger-ui pages at /docs (@fastify/swagger-ui's own `staticCSP`
 * carries `upgrade-insecure-requests`, which blanks the page over plain HTTP on any host but loopback,
 * and blocks swagger-ui's one inline style). Scripts: only files of this origin, no inline script, no
 * event-handler attributes. Styles: files of this origin plus swagger-ui's logo style, by hash.
 * `upgrade-insecure-requests` only when the page itself came over HTTPS (behind a TLS proxy that
 * Fastify trusts, request.protocol says so).
 */
export function docsCsp(https: boolean): string {
  return [
    "default-src 'self'",
    "base-uri 'self'",
    "connect-src 'self'",
    "font-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    `style-src 'self' '${SWAGGER_LOGO_STYLE_HASH}'`,
    ...(https ? ['upgrade-insecure-requests'] : [])
  ].join('; ')
}

/** The OpenAPI 3.1 document, generated from the route schemas, at /openapi.json; swagger-ui at /docs. */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'vipps-orgs',
          version: '1.0.0',
          description:
            'Per-organization "Log in with Vipps" (Vipps MobilePay Login) configuration: client id, a vault reference to the client secret, redirect URI, scopes, environment and an on/off switch.',
          license: { name: 'MIT', identifier: 'MIT' }
        },
        servers: [{ url: config.publicUrl, description: 'This service' }],
        tags: [
          { name: 'orgs', description: 'Vipps configuration of organizations' },
          { name: 'events', description: 'The change feed' },
          { name: 'webhooks', description: 'Signed deliveries of the change feed (Standard Webhooks)' },
          { name: 'health', description: 'Liveness and readiness' }
        ],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'An admin token (ADMIN_TOKENS)' }
          }
        }
      },
      transformObject: (document) => {
        if (!('openapiObject' in document)) throw new Error('an OpenAPI 3 document was expected')
        return documentRequestIds(hoistTitledSchemas(document.openapiObject as Record<string, unknown>))
      }
    })
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      uiHooks: {
        onRequest: (request, reply, done) => {
          reply.header('content-security-policy', docsCsp(request.protocol === 'https'))
          done()
        }
      }
    })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openapi' }
)
