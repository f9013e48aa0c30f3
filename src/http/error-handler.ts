import type { ErrorObject } from 'ajv'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isDatabaseUnavailable } from '../db/errors.js'
import { BODY_LIMIT } from './json-body.js'
import { PROBLEM_CONTENT_TYPE, Problem, problems } from './problems.js'
import { fieldErrors } from './validation.js'

/**
 * Any error, thrown anywhere, as the Problem the client gets. `bodyLimit`: the largest body the
 * route takes (a 413 says it).
 */
export function toProblem(err: FastifyError & { validation?: ErrorObject[] }, bodyLimit = BODY_LIMIT): Problem {
  if (err instanceof Problem) return err
  if (err.validation) return problems.validation(fieldErrors(err.validation, err.validationContext ?? 'request'))
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problems.unsupportedMediaType()
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problems.payloadTooLarge(bodyLimit)
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problems.malformedJson('The body is empty but Content-Type says application/json')
    case 'FST_ERR_CTP_INVALID_TYPE':
      return problems.unsupportedMediaType('The Content-Type header is not valid')
  }
  if (isDatabaseUnavailable(err)) return problems.unavailable()
  const status = err.statusCode ?? 500
  // Not err.message: the parser quotes a piece of the body, which may hold anything.
  if (status === 400 && (err instanceof SyntaxError || /JSON|prototype|constructor/i.test(err.message))) {
    return problems.malformedJson()
  }
  if (status === 429) return problems.rateLimited(err.message)
  if (status >= 400 && status < 500) return problems.badRequest(err.message)
  return problems.internal()
}

/** The path a problem is about, without the query; capped, since the client may send anything. */
function instanceOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0]!
  return path.length > 200 ? `${path.slice(0, 200)}…` : path
}

export function sendProblem(reply: FastifyReply, problem: Problem, request: FastifyRequest): FastifyReply {
  const body = problem.body(instanceOf(request))
  if (problem.status === 500) body.detail = `${body.detail}; quote request id ${request.id}`
  return reply.code(problem.status).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(body)
}

/** One error handler and one not-found handler for the whole app: every error is problem+json. */
export const problemHandlers = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      const problem = toProblem(err, request.routeOptions.bodyLimit ?? BODY_LIMIT)
      if (problem.status >= 500) request.log.error({ err }, 'request failed')
      else request.log.info({ code: problem.code, status: problem.status }, problem.detail)
      return sendProblem(reply, problem, request)
    })
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, problems.notFound(`No route ${request.method} ${instanceOf(request)}`), request)
    )
  },
  { name: 'problem-handlers' }
)
