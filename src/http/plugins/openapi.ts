import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** The OpenAPI 3.1 document, generated from the route schemas, at /openapi.json; swagger-ui at /docs. */
export default fp(
  async (app: FastifyInstance) => {
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
  },
  { name: 'openapi' }
)
