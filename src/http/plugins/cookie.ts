import cookie from '@fastify/cookie'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Cookie parsing and serializing (`app.parseCookie`, `app.serializeCookie`) without a hook: only
 * the few requests that carry a cookie someone reads pay for parsing it, never the hot reads.
 */
export default fp(
  async (app: FastifyInstance) => {
    await app.register(cookie, { hook: false })
  },
  { name: 'cookie' }
)
