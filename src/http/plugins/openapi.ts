import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.js'
import { documentRequestIds, hoistTitledSchemas } from '../openapi-document.js'

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
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openapi' }
)
