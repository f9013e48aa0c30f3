import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Off by default: routes that need a limit (writes) ask for one in their route config. */
export default fp(
  async (app: FastifyInstance) => {
    await app.register(rateLimit, { global: false })
  },
  { name: 'rate-limit' }
)
