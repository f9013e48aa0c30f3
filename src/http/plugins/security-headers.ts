import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * The headers that matter for a JSON API (OWASP REST Security): HSTS, nosniff, no framing, no
 * referrer. Those for HTML documents (CSP, COOP/CORP, DNS prefetch, …) are left out; pages
 * (the docs) set their own CSP.
 */
export default fp(
  async (app: FastifyInstance) => {
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
  },
  { name: 'security-headers' }
)
