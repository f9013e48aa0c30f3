import { createHash } from 'node:crypto'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifySchema } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import { ACCESS_RESPONSES } from '../access/plugin.js'
import type { RouteAccess } from '../access/rights.js'
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

/**
 * An operation as the document shows it: the ways in (`security`) and the answers of access
 * (401, 403, 404) follow from the right its route declares, as the access hook enforces it.
 */
function withAccess(app: FastifyInstance, schema: FastifySchema, right: RouteAccess): FastifySchema {
  const own = (schema.response ?? {}) as Record<string, unknown>
  const success = Object.entries(own).filter(([status]) => /^[123]/.test(status))
  const failures = Object.entries(own).filter(([status]) => !/^[123]/.test(status))
  const added = Object.entries(ACCESS_RESPONSES).filter(([status]) => !(status in own))
  return { ...schema, security: app.access.securityOf(right), response: Object.fromEntries([...success, ...added, ...failures]) } as FastifySchema
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
          { name: 'access', description: 'Who the caller is; API keys' },
          { name: 'health', description: 'Liveness and readiness' }
        ],
        components: {}
      },
      transform: (input) => {
        const { schema, url, route } = input
        // The ways in are known once every feature has registered its own (a session cookie, say).
        // (The generator passes the document being built; its type leaves that out.)
        const document = (input as unknown as { openapiObject: { components?: Record<string, unknown> } }).openapiObject
        const components = (document.components ??= {})
        components.securitySchemes = app.access.securitySchemes()
        const right = route.config?.right
        return { schema: schema && right !== undefined ? withAccess(app, schema, right) : schema, url }
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
  // The access plugin registers after this one (its /api/v1/me must be seen here); the document,
  // built when first asked for, reads app.access then.
  { name: 'openapi' }
)
