import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** The largest body any endpoint accepts. */
export const BODY_LIMIT = 16 * 1024

/** JSON only: no text/plain bodies. A DELETE may carry Content-Type: application/json and no body. */
export const jsonBody = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error')
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      if (body === '' && request.method === 'DELETE') return done(null, undefined)
      parseJson(request, body as string, done)
    })
  },
  { name: 'json-body' }
)
