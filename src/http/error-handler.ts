import type { ErrorObject } from 'ajv'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isDatabaseUnavailable } from '../db/errors.js'
import { PROBLEM_CONTENT_TYPE, Problem } from './problems.js'
import { fieldErrors } from './validation.js'

/** Any error, thrown anywhere, as the Problem the client gets. */
function toProblem(err: FastifyError & { validation?: ErrorObject[] }): Problem {
  if (err instanceof Problem) return err
  if (err.validation) return Problem.validation(fieldErrors(err.validation, err.validationContext ?? 'request'))
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new Problem(415, 'unsupported_media_type', 'Send the body as application/json')
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem(413, 'payload_too_large', 'The body must not be larger than 16 KiB')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Problem(400, 'malformed_json', 'The body is empty but Content-Type says application/json')
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new Problem(415, 'unsupported_media_type', 'The Content-Type header is not valid')
  }
  if (isDatabaseUnavailable(err)) {
    return new Problem(503, 'service_unavailable', 'The database is not available; try again shortly', undefined, {
      'retry-after': '1'
    })
  }
  const status = err.statusCode ?? 500
  if (status === 400 && (err instanceof SyntaxError || /JSON|prototype|constructor/i.test(err.message))) {
    // Not err.message: the parser quotes a piece of the body, which may hold anything.
    return new Problem(400, 'malformed_json', 'The body is not valid JSON (or holds a __proto__/constructor key)')
  }
  if (status === 429) return new Problem(429, 'rate_limited', err.message)
  if (status >= 400 && status < 500) return new Problem(status, 'bad_request', err.message)
  return new Problem(500, 'internal_error', 'An unexpected error occurred')
}

export function sendProblem(reply: FastifyReply, problem: Problem, request: FastifyRequest): FastifyReply {
  const body = problem.body(request.url.split('?')[0]!)
  if (problem.status === 500) body.detail = `${body.detail}; quote request id ${request.id}`
  return reply.code(problem.status).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(body)
}

/** One error handler and one not-found handler for the whole app: every error is problem+json. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const problem = toProblem(err)
    if (problem.status >= 500) request.log.error({ err }, 'request failed')
    else request.log.info({ code: problem.code, status: problem.status }, problem.detail)
    return sendProblem(reply, problem, request)
  })
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, Problem.notFound(`No route ${request.method} ${request.url.split('?')[0]}`), request)
  )
}
