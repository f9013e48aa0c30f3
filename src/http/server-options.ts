import type { FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'
import { sendProblem } from './error-handler.js'
import { BODY_LIMIT } from './json-body.js'
import { lazyChildLogger } from './lazy-logger.js'
import { problems } from './problems.js'
import { requestIdOf } from './request-context.js'
import { traceLogFields } from './tracing/log-fields.js'

/** What no log line may hold, should anything ever log a request's headers: credentials, and idempotency keys. */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'req.headers["idempotency-key"]']

/** Fastify's own options: logging, limits, request ids, routing, and the router's errors as problems. */
export function serverOptions(config: Config, logger?: FastifyServerOptions['logger']): FastifyServerOptions {
  // With tracing on, each line logged inside a span names it (trace_id, span_id); off, no mixin at all.
  const traced = config.tracing ? { mixin: traceLogFields } : {}
  return {
    // A logger's options given (tests, tools) keep the redaction.
    logger: typeof logger === 'object' ? { redact: REDACT, ...traced, ...logger } : (logger ?? { level: config.logLevel, redact: REDACT, ...traced }),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: BODY_LIMIT,
    // While shutting down, requests already accepted are served, not answered 503.
    return503OnClosing: false,
    requestIdHeader: false,
    genReqId: requestIdOf,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Errors raised by the router before any route runs (bad URL encoding, overlong parameter).
    frameworkErrors: (err, request, reply) => {
      const problem =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? problems.uriTooLong('A path segment is longer than 256 characters')
          : problems.badRequest('The request URL is not valid')
      sendProblem(reply, problem, request)
    }
  }
}
