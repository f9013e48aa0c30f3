import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { problems } from './problems.js'

/** The largest body any endpoint accepts. */
export const BODY_LIMIT = 16 * 1024

// An escaped UTF-16 surrogate (\ud800–\udfff): only then can a parsed string hold a lone one.
const ESCAPED_SURROGATE = /\\u[dD][89abcdefABCDEF]/
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value)
  if (Array.isArray(value)) return value.some(holdsLoneSurrogate)
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, child]) => LONE_SURROGATE.test(key) || holdsLoneSurrogate(child))
  }
  return false
}

/**
 * JSON only: no text/plain bodies. A DELETE may carry Content-Type: application/json and no body.
 * Text that is not Unicode (a lone surrogate, allowed by JSON's grammar, refused by I-JSON, RFC
 * 7493) is malformed: it could not be stored as sent.
 */
export const jsonBody = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error')
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = body as string
      if (text === '' && request.method === 'DELETE') return done(null, undefined)
      parseJson(request, text, (err, parsed) => {
        // Not the parser's error: its message quotes a piece of the body (which may hold anything), and
        // errors are recorded where the answer is not the only reader (logs, a trace's span).
        if (err) return done(err instanceof SyntaxError ? problems.malformedJson() : err)
        if (ESCAPED_SURROGATE.test(text) && holdsLoneSurrogate(parsed)) {
          return done(problems.malformedJson('The body holds text that is not Unicode (a lone UTF-16 surrogate)'))
        }
        done(null, parsed)
      })
    })
  },
  { name: 'json-body' }
)
